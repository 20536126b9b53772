// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import SessionStore

/// A clock the test steps by hand, so "once a second" is checked without sleeping.
final class SteppedClock: @unchecked Sendable {
    var seconds = 1000.0
}

/// Recording a session: what reaches the file, when, and what survives a crash.
@Suite struct SessionRecorderTests {
    /// What another process would see now: a separate read-only connection.
    static func committedBeats(_ path: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let reader = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? reader.close() }
        return try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM beats") ?? 0 }
    }

    @Test func beatsAreCommittedOnceASecondOfWallTimeHasPassed() throws {
        let folder = try TemporaryFolder()
        let database = try SessionDatabase(path: folder.path("j.sqlite"))
        let clock = SteppedClock()
        let recorder = SessionRecorder(
            database: database, commitEverySeconds: 1, now: { clock.seconds }, report: { _ in })
        _ = try recorder.start(client: "c", source: "simulate", strap: nil, settings: "{}")
        // Steps are binary fractions, so the sums are exact and 1 s is exactly 1 s.
        for i in 1...3 {
            clock.seconds += 0.25
            recorder.beat(seconds: Double(i) * 0.8, rrMilliseconds: 800, flag: "ok", contact: true)
        }
        #expect(try Self.committedBeats(database.path) == 0, "0.75 s after start nothing is due yet")
        clock.seconds += 0.25
        recorder.beat(seconds: 3.2, rrMilliseconds: 800, flag: "ok", contact: true)
        #expect(try Self.committedBeats(database.path) == 4, "1.0 s after start all four are committed")
        clock.seconds += 0.5
        recorder.beat(seconds: 4.0, rrMilliseconds: 800, flag: "ok", contact: true)
        #expect(try Self.committedBeats(database.path) == 4)
        clock.seconds += 0.5
        recorder.tick()
        #expect(try Self.committedBeats(database.path) == 5, "a tick commits a due row even without a new beat")
    }

    @Test func storedBeatsEqualDeliveredBeatsOneForOneInOrder() throws {
        let folder = try TemporaryFolder()
        let database = try SessionDatabase(path: folder.path("j.sqlite"))
        let recorder = SessionRecorder(database: database, commitEverySeconds: 0, report: { _ in })
        let id = try recorder.start(client: "c", source: "simulate", strap: nil, settings: "{}")
        var t = 0.0
        var delivered: [StoredBeat] = []
        for i in 0..<500 {
            let rr = 700 + Double((i * 37) % 300) + 0.125
            t += rr / 1000
            let beat = StoredBeat(
                seconds: t, rrMilliseconds: rr, flag: i % 50 == 7 ? "no_contact" : "ok", contact: i % 50 != 7,
                decided: false)
            delivered.append(beat)
            recorder.beat(
                seconds: beat.seconds, rrMilliseconds: beat.rrMilliseconds, flag: beat.flag, contact: beat.contact)
        }
        // The filter's later verdict on beat 100 replaces its arrival flag.
        recorder.flagBeat(seconds: delivered[100].seconds, flag: "ectopic")
        delivered[100].flag = "ectopic"
        delivered[100].decided = true
        recorder.finish(outcome: .complete, summaryJSON: #"{"beats":500}"#)
        #expect(try database.beats(sessionID: id) == delivered)
        let outcome = try #require(try database.outcome(sessionID: id))
        #expect(outcome.outcome == "complete")
    }

    @Test func aSessionLeftRunningByADeadProcessIsMarkedInterruptedKeepingItsRows() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("j.sqlite")
        let id: Int64
        do {
            let database = try SessionDatabase(path: path)
            let recorder = SessionRecorder(database: database, commitEverySeconds: 0, report: { _ in })
            id = try recorder.start(client: "c", source: "simulate", strap: nil, settings: "{}")
            for i in 1...10 { recorder.beat(seconds: Double(i), rrMilliseconds: 1000, flag: "ok", contact: true) }
            // No finish: the process "dies" here.
        }
        // While its process lives, a second opener leaves it running.
        let alive = try SessionDatabase(path: path, isProcessAlive: { _ in true })
        #expect(try alive.outcome(sessionID: id)?.outcome == "running")
        let reopened = try SessionDatabase(path: path, isProcessAlive: { _ in false })
        let outcome = try #require(try reopened.outcome(sessionID: id))
        #expect(outcome.outcome == "interrupted")
        #expect(outcome.events == ["crash_recovery"])
        #expect(try reopened.beats(sessionID: id).count == 10)
        let listed = try #require(try reopened.sessions().first)
        #expect(listed.durationSeconds == 10, "the crash is placed at the last recorded beat")
        // Recovery happens once: a third open adds no second event.
        let again = try SessionDatabase(path: path, isProcessAlive: { _ in false })
        #expect(try again.outcome(sessionID: id)?.events == ["crash_recovery"])
    }

    @Test func aFailedWriteIsReportedOnceAndRetriedWithoutThrowing() throws {
        let folder = try TemporaryFolder()
        let database = try SessionDatabase(path: folder.path("j.sqlite"))
        var reports: [String] = []
        let recorder = SessionRecorder(database: database, commitEverySeconds: 0, report: { reports.append($0) })
        let id = try recorder.start(client: "c", source: "simulate", strap: nil, settings: "{}")
        // A trigger makes every beat insert fail, as a full disk would.
        try database.queue.write { db in
            try db.execute(
                sql: "CREATE TRIGGER fail BEFORE INSERT ON beats BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        }
        for i in 1...5 { recorder.beat(seconds: Double(i), rrMilliseconds: 1000, flag: "ok", contact: true) }
        #expect(reports.count == 1)
        #expect(reports.first?.contains("disk full") == true)
        #expect(recorder.failedCommits == 5)
        try database.queue.write { db in try db.execute(sql: "DROP TRIGGER fail") }
        recorder.finish(outcome: .complete, summaryJSON: nil)
        #expect(try database.beats(sessionID: id).map(\.seconds) == [1, 2, 3, 4, 5], "kept and written on retry")
    }

    @Test func listingGivesFirstAndLastFiveMinuteMeansPerSessionFilteredByClientAndDate() throws {
        let folder = try TemporaryFolder()
        let database = try SessionDatabase(path: folder.path("j.sqlite"))
        for (client, hrStart) in [("ada", 80.0), ("bo", 90.0), ("ada", 70.0)] {
            let recorder = SessionRecorder(database: database, commitEverySeconds: 0, report: { _ in })
            _ = try recorder.start(client: client, source: "simulate", strap: nil, settings: "{}")
            // 20 minutes of snapshots every 5 s: HR falls 1 bpm a minute, RMSSD rises 2 ms a minute.
            for k in 0...240 {
                let t = Double(k) * 5
                recorder.snapshot(
                    SnapshotRow(
                        seconds: t, heartRateBPM: hrStart - t / 60, rmssdMilliseconds: 20 + 2 * t / 60,
                        sdnnMilliseconds: nil, breathingRatePerMinute: k < 60 ? 15 : 7, coherence: nil, lfMs2: nil,
                        hfMs2: nil, artifactPercent: 0))
                recorder.beat(seconds: t, rrMilliseconds: 800, flag: "ok", contact: true)
            }
            recorder.finish(outcome: .complete, summaryJSON: "{}")
        }
        let all = try database.sessions()
        #expect(all.map(\.client) == ["ada", "bo", "ada"])
        let first = try #require(all.first)
        // No summary was written, so the figures are SessionHeadline's means over the snapshots in
        // (0, 300] s (t = 5 ... 300, mean 152.5 s) and (900, 1200] s (905 ... 1200, mean 1052.5 s).
        let firstHeartRate: Double = 80 - 152.5 / 60
        let lastHeartRate: Double = 80 - 1052.5 / 60
        let lastRMSSD: Double = 20 + 2 * 1052.5 / 60
        #expect(abs(try #require(first.heartRateBPM.first) - firstHeartRate) < 1e-9)
        #expect(abs(try #require(first.heartRateBPM.last) - lastHeartRate) < 1e-9)
        #expect(abs(try #require(first.rmssdMilliseconds.last) - lastRMSSD) < 1e-9)
        // k = 1 ... 59 breathe 15 a minute, k = 60 (t = 300 s) 7.
        let expectedBreathing: Double = (59 * 15 + 7) / 60
        let firstBreathing = try #require(first.breathingRatePerMinute.first)
        #expect(abs(firstBreathing - expectedBreathing) < 1e-9)
        #expect(first.breathingRatePerMinute.last == 7)
        #expect(first.durationSeconds == 1200)
        #expect(first.beats == 241)
        #expect(try database.sessions(client: "ada").count == 2)
        #expect(try database.sessions(since: "2999-01-01T00:00:00Z").isEmpty)
        #expect(try database.sessions(since: "2000-01-01T00:00:00Z").count == 3)
    }
}
