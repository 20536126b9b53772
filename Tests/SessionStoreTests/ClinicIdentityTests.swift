// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import SessionStore

/// Sessions' clinic identity in the journal: UUIDs and kiosk ids for old and new sessions, the
/// sync confirmations, and pruning that keeps what no store has confirmed.
@Suite struct ClinicIdentityTests {
    @Test func migrationGivesOldSessionsAUUIDAndOpeningGivesThemTheKioskId() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("old.sqlite")
        // A journal as Lull wrote it before sessions had a UUID: schema v2, two sessions.
        do {
            let queue = try DatabaseQueue(path: path)
            try SessionSchema.migrator.migrate(queue, upTo: "v2-decided-flags")
            try queue.write { db in
                for day in 1...2 {
                    try db.execute(
                        sql: """
                            INSERT INTO sessions (client, started_at, source, settings, outcome)
                            VALUES ('ada', ?, 'simulate', '{}', 'complete')
                            """, arguments: ["2026-11-0\(day)T09:00:00.000Z"])
                }
            }
        }
        let database = try SessionDatabase(path: path, kioskID: "room-1")
        let rows = try database.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT uuid, kiosk_id FROM sessions ORDER BY id").map {
                ($0["uuid"] as String?, $0["kiosk_id"] as String?)
            }
        }
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.1 == "room-1" })
        let uuids = rows.compactMap(\.0)
        #expect(Set(uuids).count == 2 && uuids.allSatisfy { UUID(uuidString: $0) != nil && $0 == $0.lowercased() })

        // A new session is stamped when it starts; reopening under another kiosk id changes no stamp.
        let recorder = SessionRecorder(database: database, report: { _ in })
        let id = try recorder.start(client: "ada", source: "simulate", strap: nil, settings: "{}")
        recorder.finish(outcome: .complete, summaryJSON: "{}")
        let reopened = try SessionDatabase(path: path, kioskID: "room-2")
        let record = try #require(try reopened.session(id: id)?.record)
        #expect(record.kioskID == "room-1")
        #expect(record.uuid.flatMap(UUID.init(uuidString:)) != nil)
    }

    @Test func confirmationsDecideWhatWaitsAndWhatPruningMayDelete() throws {
        let folder = try TemporaryFolder()
        let database = try SessionDatabase(path: folder.path("j.sqlite"), kioskID: "room-1")
        let old = try SessionRetentionTests.record(database, daysAgo: 400, beats: 10)
        let older = try SessionRetentionTests.record(database, daysAgo: 500, beats: 10)
        let running = try SessionRetentionTests.record(database, daysAgo: 1, beats: 5, finish: false)
        let store = "postgres://k@/lull?host=/tmp"
        #expect(try database.sessionsAwaitingSync(store: store) == [older, old])
        #expect(try database.sessionsAwaitingAnyStore() == 2)
        try database.confirmSync(
            sessionID: older, store: store, rows: SyncConfirmation(beats: 10, snapshots: 1, music: 0, events: 1))
        #expect(try database.sessionsAwaitingSync(store: store) == [old])
        #expect(try database.sessionsAwaitingSync(store: "postgres://other@h/lull") == [older, old])
        #expect(try database.confirmation(sessionID: older, store: store)?.beats == 10)

        // With sync configured, the unconfirmed old session stays; the confirmed one goes.
        #expect(try database.prune(startedBefore: Date(timeIntervalSinceNow: -365 * 86_400), keepUnconfirmed: true) == 1)
        #expect(try database.sessions().map(\.id).sorted() == [old, running])
        #expect(try database.prune(startedBefore: Date(timeIntervalSinceNow: -365 * 86_400)) == 1)
        #expect(try database.sessions().map(\.id) == [running])
    }

    @Test func forgetRemovesOneClientsFinishedSessionsWithCounts() throws {
        let folder = try TemporaryFolder()
        let database = try SessionDatabase(path: folder.path("j.sqlite"), kioskID: "room-1")
        _ = try SessionRetentionTests.record(database, daysAgo: 3, beats: 30)
        _ = try SessionRetentionTests.record(database, daysAgo: 2, beats: 20)
        let forgotten = try database.forget(client: "ada")
        #expect(forgotten.sessions == 2 && forgotten.beats == 50)
        #expect(try database.sessions().isEmpty)
        #expect(try SessionRetentionTests.count(database, "beats") == 0)
        #expect(try database.forget(client: "ada").sessions == 0)
    }
}
