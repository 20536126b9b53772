// SPDX-License-Identifier: Apache-2.0
import Foundation
import HRVCore
import HeartSources
import ListenerModel
import Session
import SessionStore
import Testing

@testable import SessionRuntime

/// Whole sessions in process, in virtual time: the one loop from a source's beats to the summary
/// and the journal, with no process, no sound card and no waiting.
@Suite struct SessionRunnerTests {
    static func plan(_ source: SessionPlan.Source, minutes: Double, paced: Bool) -> SessionPlan {
        SessionPlan(source: source, audio: .none, plannedSeconds: minutes * 60, paced: paced)
    }

    static func journal() throws -> (SessionDatabase, SessionRecorder, Int64, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-runtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try SessionDatabase(path: folder.appendingPathComponent("journal.sqlite").path)
        let recorder = SessionRecorder(database: database) { Issue.record("journal: \($0)") }
        let id = try recorder.start(client: "c1", source: "simulate", strap: nil, settings: "{}")
        return (database, recorder, id, folder)
    }

    /// A paced 20-minute session would take 20 minutes of real time; on the virtual clock it takes
    /// none, and it is the same session as the unpaced one, beat for beat.
    @Test func aPacedSessionRunsInVirtualTimeAndEqualsTheUnpacedOne() async throws {
        var paced = try SessionRunner(
            settings: SessionSettings(plan: Self.plan(.simulate(.anxious), minutes: 20, paced: true), seed: 3),
            output: nil, recorder: nil)
        let clock = VirtualSessionClock()
        let started = ContinuousClock.now
        let (pacedSummary, _) = try await paced.run(stop: StopRequest(), clock: clock)
        // Well under the 20 minutes a real clock would take, however loaded the machine.
        #expect(ContinuousClock.now - started < .seconds(600))
        #expect(clock.seconds >= 1_199, "the clock followed the beats to the plan's end")

        var unpaced = try SessionRunner(
            settings: SessionSettings(plan: Self.plan(.simulate(.anxious), minutes: 20, paced: false), seed: 3),
            output: nil, recorder: nil)
        let (summary, _) = try await unpaced.run(stop: StopRequest(), clock: VirtualSessionClock())
        #expect(pacedSummary == summary)
        #expect(summary.durationSeconds == 1_200)
        #expect(!summary.endedEarly)
        // An anxious listener starts near 90 bpm and is led down.
        let first = try #require(summary.first.heartRateBPM)
        let last = try #require(summary.last.heartRateBPM)
        #expect(first > 85)
        #expect(last < first)
    }

    /// Every beat the loop delivered is in the journal once, with its verdict, and a stop ends the
    /// session early where it was heard, with a user_stop event.
    @Test func aStoppedSessionIsJournalledBeatForBeat() async throws {
        let (database, recorder, id, folder) = try Self.journal()
        defer { try? FileManager.default.removeItem(at: folder) }
        var runner = try SessionRunner(
            settings: SessionSettings(plan: Self.plan(.simulate(.calm), minutes: 20, paced: false), seed: 5),
            output: nil, recorder: recorder)
        let stop = StopRequest()
        var delivered = 0
        runner.observer = { progress in
            guard case .beat(let state, _) = progress else { return }
            delivered += 1
            if state.seconds > 300 { stop.request() }
        }
        let (summary, _) = try await runner.run(stop: stop, clock: VirtualSessionClock())
        recorder.finish(outcome: .endedEarly, summaryJSON: nil)
        #expect(summary.endedEarly)
        #expect(summary.beats == delivered)
        #expect((300...302).contains(summary.durationSeconds))
        let stored = try #require(try database.session(id: id))
        #expect(stored.beats.count == delivered)
        #expect(stored.events.map(\.kind).suffix(2) == ["user_stop", "ended_early"])
        // Snapshots every 5 s of session time, the first at the first beat.
        #expect((60...62).contains(stored.snapshots.count))
    }

    /// A recording shorter than the plan ends the session early at its last beat.
    @Test func aReplayShorterThanThePlanEndsAtItsLastBeat() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lull-replay-\(UUID().uuidString).txt")
        try String(repeating: "750\n", count: 400).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var runner = try SessionRunner(
            settings: SessionSettings(plan: Self.plan(.replay(path: file.path), minutes: 20, paced: true)),
            output: nil, recorder: nil)
        let (summary, _) = try await runner.run(stop: StopRequest(), clock: VirtualSessionClock())
        #expect(summary.endedEarly)
        #expect(summary.beats == 400)
        #expect(summary.durationSeconds == 300)
        #expect(abs((summary.first.heartRateBPM ?? 0) - 80) < 0.01)
    }

    /// A recording that cannot be read is one line naming the file, before any music.
    @Test func anUnreadableRecordingIsOneLine() async throws {
        var runner = try SessionRunner(
            settings: SessionSettings(plan: Self.plan(.replay(path: "/nonexistent/rr.txt"), minutes: 5, paced: false)),
            output: nil, recorder: nil)
        do {
            _ = try await runner.run(stop: StopRequest(), clock: VirtualSessionClock())
            Issue.record("ran")
        } catch {
            #expect("\(error)".hasPrefix("cannot read /nonexistent/rr.txt"))
            #expect(!"\(error)".contains("\n"))
        }
    }
}

/// `--audio` and the daemon's `audio.device`: one grammar.
@Suite struct AudioDestinationTests {
    @Test func theGrammar() throws {
        #expect(try AudioDestination(parsing: "none") == .none)
        #expect(try AudioDestination(parsing: "default") == .alsa(device: "default"))
        #expect(try AudioDestination(parsing: "alsa:hw:1") == .alsa(device: "hw:1"))
        #expect(try AudioDestination(parsing: "out/Session.WAV") == .wav(path: "out/Session.WAV"))
        #expect(throws: SessionPlanError("x.mp3: expected default, alsa:DEVICE, FILE.wav or none")) {
            try AudioDestination(parsing: "x.mp3")
        }
        #expect(throws: SessionPlanError.self) { try AudioDestination(parsing: "alsa:") }
        #expect(AudioDestination(configured: "hw:CARD=Device") == .alsa(device: "hw:CARD=Device"))
        #expect(AudioDestination(configured: "none") == .none)
    }
}
