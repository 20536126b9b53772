// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// The one clock of a session: seconds since it started. Beats are stamped on it, paced sources are
/// released by it, a silent strap is noticed by it, and the journal and the daemon's status read
/// it. Injected, so a test runs a session in virtual time.
package protocol SessionClock: Sendable {
    /// Session seconds now.
    var seconds: Double { get }
    /// Suspends until session time `seconds` (at once when it has passed). Throws on cancellation.
    func sleep(untilSeconds seconds: Double) async throws
}

/// Session time on any `Clock` (the continuous clock in the product), optionally faster than real
/// time: with `timeScale` 60 a simulated minute passes in a second (the daemon's
/// `session.time_scale`, for demos and tests).
package struct ScaledSessionClock<C: Clock>: SessionClock where C.Duration == Duration, C: Sendable, C.Instant: Sendable {
    package let clock: C
    package let start: C.Instant
    package let timeScale: Double

    package init(clock: C, timeScale: Double = 1) {
        self.clock = clock
        start = clock.now
        self.timeScale = timeScale
    }

    package var seconds: Double {
        let elapsed = start.duration(to: clock.now)
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * timeScale
    }

    package func sleep(untilSeconds seconds: Double) async throws {
        // Whole milliseconds of the clock's time, as the session loop has always paced beats.
        try await clock.sleep(until: start.advanced(by: .milliseconds(Int64(seconds * 1000 / timeScale))), tolerance: nil)
    }
}

extension ScaledSessionClock where C == ContinuousClock {
    package init(timeScale: Double = 1) { self.init(clock: ContinuousClock(), timeScale: timeScale) }
}

/// Virtual time for tests: nothing passes until somebody sleeps, and a sleep moves the clock to its
/// end at once.
package final class VirtualSessionClock: SessionClock {
    private let now = Mutex<Double>(0)

    package init() {}

    package var seconds: Double { now.withLock { $0 } }

    package func sleep(untilSeconds seconds: Double) async throws {
        try Task.checkCancellation()
        now.withLock { $0 = max($0, seconds) }
        await Task.yield()
    }

    /// Moves the clock forward by `seconds` (what a test does for a source that waits on the world).
    package func advance(by seconds: Double) { now.withLock { $0 += seconds } }
}
