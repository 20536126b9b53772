// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import SessionStore

/// Retention: old sessions go with all their rows; a session being recorded never does.
@Suite struct SessionRetentionTests {
    /// Records a session of `beats` beats and dates its start `daysAgo` before now.
    static func record(_ database: SessionDatabase, daysAgo: Double, beats: Int, finish: Bool = true) throws -> Int64 {
        // Big sessions commit once, at the end: 20 000 fsynced commits would only slow the test.
        let recorder = SessionRecorder(database: database, commitEverySeconds: beats > 1000 ? 1e9 : 0, report: { _ in })
        let id = try recorder.start(client: "ada", source: "simulate", strap: nil, settings: "{}")
        for i in 0..<beats { recorder.beat(seconds: Double(i), rrMilliseconds: 1000, flag: "ok", contact: true) }
        recorder.snapshot(
            SnapshotRow(
                seconds: 0, heartRateBPM: 60, rmssdMilliseconds: 30, sdnnMilliseconds: nil, breathingRatePerMinute: nil,
                coherence: nil, lfMs2: nil, hfMs2: nil, artifactPercent: 0))
        recorder.event(seconds: 1, kind: "strap_connected")
        if finish { recorder.finish(outcome: .complete, summaryJSON: "{}") }
        let started = SessionRecorder.timestamp(Date(timeIntervalSinceNow: -daysAgo * 86_400))
        try database.queue.write { db in
            try db.execute(sql: "UPDATE sessions SET started_at = ? WHERE id = ?", arguments: [started, id])
        }
        return id
    }

    static func count(_ database: SessionDatabase, _ table: String) throws -> Int {
        try database.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    @Test func pruneRemovesOldSessionsWithAllTheirRowsAndKeepsARunningOne() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("j.sqlite")
        let database = try SessionDatabase(path: path)
        let old = try Self.record(database, daysAgo: 400, beats: 20_000)
        let older = try Self.record(database, daysAgo: 500, beats: 20_000)
        let recent = try Self.record(database, daysAgo: 10, beats: 50)
        // Started long ago and still recording (its process, this one, is alive).
        let running = try Self.record(database, daysAgo: 900, beats: 50, finish: false)
        #expect(try Self.count(database, "beats") == 40_100)

        let removed = try database.prune(startedBefore: Date(timeIntervalSinceNow: -365 * 86_400))
        #expect(removed == 2)
        let left = try database.sessions().map(\.id)
        #expect(left.sorted() == [recent, running])
        #expect(!left.contains(old) && !left.contains(older))
        #expect(try Self.count(database, "beats") == 100, "beats cascade with their session")
        #expect(try Self.count(database, "snapshots") == 2)
        #expect(try Self.count(database, "events") == 2)
        // Most of the file was freed, so it was vacuumed: no free pages left behind.
        #expect(try database.freeFraction() == 0)
        #expect(try database.prune(startedBefore: Date(timeIntervalSinceNow: -365 * 86_400)) == 0)

        // Once its process is gone, the old running session is recovered as interrupted, then pruned.
        let reopened = try SessionDatabase(path: path, isProcessAlive: { _ in false })
        #expect(try reopened.prune(startedBefore: Date(timeIntervalSinceNow: -365 * 86_400)) == 1)
        #expect(try reopened.sessions().map(\.id) == [recent])
        let check = try reopened.queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
    }
}
