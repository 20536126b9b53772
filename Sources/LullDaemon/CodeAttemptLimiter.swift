// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources

/// How often the therapist code may be tried over TCP: per source and for the whole daemon, with
/// delays that double after a few free mistakes (README, "Control API limits and origins").
///
/// A pure value: the caller passes the instant of every attempt and keeps the limiter behind its
/// own lock, so tests run hours of attempts in virtual time.
///
/// Every attempt counts as a failure the moment it is admitted (so parallel requests cannot all
/// slip through before the first is judged); the right code then clears the source's and the
/// global count. After failure number k (counted since the last success, or since an hour without
/// any), the next attempt waits `delay(k)`:
/// - per source: nothing for k < 3, then 1 s, 2 s, 4 s ... up to 60 s;
/// - globally: nothing for k < 10, then 1 s, 2 s, 4 s, 8 s, 16 s, then 30 s each.
///
/// So 10,000 wrong codes, from however many sources, take at least the global delays:
/// 1 + 2 + 4 + 8 + 16 + (10,000 − 15) × 30 s = 299,581 s, about 83 hours (1 hour is 3,600 s).
struct CodeAttemptLimiter {
    /// One schedule of doubling delays.
    struct Schedule: Sendable {
        var freeFailures: Int
        var firstDelay: Duration
        var maximumDelay: Duration

        /// The wait after failure number `failures` (1-based).
        func delay(afterFailures failures: Int) -> Duration {
            guard failures >= freeFailures else { return .zero }
            let doublings = failures - freeFailures
            if doublings >= 30 { return maximumDelay }
            return min(firstDelay * (1 << doublings), maximumDelay)
        }
    }

    static let perSource = Schedule(freeFailures: 3, firstDelay: .seconds(1), maximumDelay: .seconds(60))
    static let global = Schedule(freeFailures: 10, firstDelay: .seconds(1), maximumDelay: .seconds(30))
    /// Failures this long ago are forgiven: a mistyped code last month does not slow today's.
    static let forgetAfter = Duration.seconds(3600)
    /// Sources remembered at most; the one tried longest ago is forgotten first.
    static let maximumSources = 256

    private struct Count {
        var failures = 0
        var last: ContinuousClock.Instant
        var next: ContinuousClock.Instant
    }

    enum Decision: Equatable {
        /// Judge the code now; `failures` is the global count including this attempt.
        case admitted(failures: Int)
        /// Refused unjudged: the source or the daemon must wait this long.
        case wait(Duration)
    }

    private var sources: [String: Count] = [:]
    private var all: Count?

    /// Admits an attempt from `source` at `now` (counting it as a failure), or says how long to wait.
    mutating func attempt(source: String, at now: ContinuousClock.Instant) -> Decision {
        let own = Self.current(sources[source], at: now)
        let global = Self.current(all, at: now)
        let wait = max(own.map { $0.next - now } ?? .zero, global.map { $0.next - now } ?? .zero)
        if wait > .zero { return .wait(wait) }
        let counted = Self.failed(own, at: now, Self.perSource)
        let countedAll = Self.failed(global, at: now, Self.global)
        if sources[source] == nil && sources.count >= Self.maximumSources,
            let oldest = sources.min(by: { $0.value.last < $1.value.last })?.key
        {
            sources[oldest] = nil
        }
        sources[source] = counted
        all = countedAll
        return .admitted(failures: countedAll.failures)
    }

    /// The admitted attempt had the right code: its source and the daemon start afresh.
    mutating func succeeded(source: String) {
        sources[source] = nil
        all = nil
    }

    private static func current(_ count: Count?, at now: ContinuousClock.Instant) -> Count? {
        guard let count, now - count.last < forgetAfter else { return nil }
        return count
    }

    private static func failed(_ count: Count?, at now: ContinuousClock.Instant, _ schedule: Schedule) -> Count {
        let failures = (count?.failures ?? 0) + 1
        return Count(failures: failures, last: now, next: now + schedule.delay(afterFailures: failures))
    }
}
