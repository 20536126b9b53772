// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc
import HRVCore
import ListenerModel
import Testing

@testable import HeartSources

/// The sources of beats, each on its own: what they deliver, where they end, and the one line they
/// say when they cannot go on.
@Suite struct HeartSourceTests {
    static let context = HeartContext(music: MusicState(tempoBPM: 80, loudnessLUFS: -23, swellBreathsPerMinute: 6, swellDepthLU: 3))

    /// A pipe holding `text`, its write end closed: a producer that said everything.
    static func pipe(_ text: String) -> Int32 {
        var fds: [Int32] = [0, 0]
        _ = Glibc.pipe(&fds)
        _ = text.utf8CString.withUnsafeBufferPointer { write(fds[1], $0.baseAddress, $0.count - 1) }
        close(fds[1])
        return fds[0]
    }

    @Test func stdinStampsBeatsByTheirRunningSumAndMovesByAtMostTheLiveRange() async throws {
        let fd = Self.pipe("800\n# a comment\n\n{\"rr_ms\": 1000}\n5000\n-5\n")
        defer { close(fd) }
        var source = StdinSource(fd: fd, plannedSeconds: 600)
        var inputs: [HeartInput] = []
        while true {
            let input = try await source.next(Self.context)
            if input == .idle { continue }
            inputs.append(input)
            if case .end = input { break }
        }
        // 5000 ms is outside the live range (200-3000): the clock moves by 3 s; -5 by 0.2 s. The
        // session loop marks both artifacts; the source only says where they came from.
        #expect(
            inputs == [
                .beat(RRInterval(milliseconds: 800, beatTimeSeconds: 0.8), origin: .stdinLine(1)),
                .beat(RRInterval(milliseconds: 1000, beatTimeSeconds: 1.8), origin: .stdinLine(4)),
                .beat(RRInterval(milliseconds: 5000, beatTimeSeconds: 4.8), origin: .stdinLine(5)),
                .beat(RRInterval(milliseconds: -5, beatTimeSeconds: 5.0), origin: .stdinLine(6)),
                .end(seconds: 5.0),
            ])
    }

    @Test func stdinNamesTheLineThatIsNotABeat() async throws {
        let fd = Self.pipe("800\nseven hundred\n")
        defer { close(fd) }
        var source = StdinSource(fd: fd, plannedSeconds: 600)
        _ = try await source.next(Self.context)
        await #expect(throws: HeartSourceError("stdin line 2: 'seven hundred' is not an RR interval in ms")) {
            while true { if case .end = try await source.next(Self.context) { break } }
        }
    }

    @Test func stdinEndsWithTheBeatThatReachesThePlan() async throws {
        let fd = Self.pipe(String(repeating: "1000\n", count: 100))
        defer { close(fd) }
        var source = StdinSource(fd: fd, plannedSeconds: 10)
        var beats = 0
        while true {
            let input = try await source.next(Self.context)
            if case .beat = input { beats += 1 }
            if case .end(let seconds) = input {
                #expect(seconds == 10)
                break
            }
        }
        #expect(beats == 10)
    }

    @Test func replayEndsAtItsLastBeatWithinThePlanAndNamesAFileItCannotRead() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lull-replay-\(UUID().uuidString).txt")
        try (String(repeating: "1000\n", count: 30)).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var source = try ReplaySource(path: file.path, plannedSeconds: 20.5, paced: false)
        var last: HeartInput?
        var beats = 0
        while true {
            last = try await source.next(Self.context)
            if case .beat = last { beats += 1 } else { break }
        }
        #expect(beats == 20)
        #expect(last == .end(seconds: 20))
        #expect(throws: HeartSourceError.self) { try ReplaySource(path: "/nonexistent/rr.txt", plannedSeconds: 60, paced: false) }
    }

    @Test func theSimulatedListenerEndsPastThePlanAndIsTheSameForTheSameSeed() async throws {
        func run() async throws -> [HeartInput] {
            var source = SimulatedSource(
                listener: SimulatedListener(profile: .anxious, seed: 7), plannedSeconds: 60, paced: false)
            var inputs: [HeartInput] = []
            while true {
                let input = try await source.next(Self.context)
                inputs.append(input)
                if case .end = input { break }
            }
            return inputs
        }
        let first = try await run()
        #expect(first == (try await run()))
        guard case .end(let seconds) = first.last else { Issue.record("no end"); return }
        #expect(seconds > 60)
        // An anxious listener's heart beats at about 90/min.
        #expect((80...100).contains(first.count - 1))
    }

    @Test func virtualTimeMovesOnlyWhenSomebodySleeps() async throws {
        let clock = VirtualSessionClock()
        #expect(clock.seconds == 0)
        try await clock.sleep(untilSeconds: 3_600)
        #expect(clock.seconds == 3_600)
        try await clock.sleep(untilSeconds: 10)  // the past: at once, the clock stays
        #expect(clock.seconds == 3_600)
        clock.advance(by: 0.5)
        #expect(clock.seconds == 3_600.5)
    }

    @Test func scaledTimeRunsFasterByItsScale() async throws {
        let clock = ScaledSessionClock(timeScale: 600)
        let started = ContinuousClock.now
        try await clock.sleep(untilSeconds: 60)  // 0.1 s of real time
        let realSeconds = (ContinuousClock.now - started) / .seconds(1)
        #expect(clock.seconds >= 60)
        // Session time is real time × 600, however long a loaded machine took to wake the sleeper.
        #expect(clock.seconds <= 600 * realSeconds + 1)
    }
}
