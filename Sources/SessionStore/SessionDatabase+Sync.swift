// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB

/// What a store confirmed it holds of one session: the rows of each table.
public struct SyncConfirmation: Sendable, Equatable {
    public var beats: Int
    public var snapshots: Int
    public var music: Int
    public var events: Int

    public init(beats: Int, snapshots: Int, music: Int, events: Int) {
        self.beats = beats
        self.snapshots = snapshots
        self.music = music
        self.events = events
    }
}

extension SessionDatabase {
    /// Finished sessions (any outcome but `running`) the store named `store` has not confirmed,
    /// oldest first: what a sync sends. Ids only, so a week of sessions costs a few bytes each.
    public func sessionsAwaitingSync(store: String) throws(SessionJournalError) -> [Int64] {
        do {
            return try queue.read { db in
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM sessions s WHERE outcome != 'running'
                        AND NOT EXISTS (SELECT 1 FROM sync_confirmations c WHERE c.session_id = s.id AND c.store = ?)
                        ORDER BY started_at, id
                        """, arguments: [store])
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    /// Finished sessions no store has confirmed yet, for `lull status` and pruning.
    public func sessionsAwaitingAnyStore() throws(SessionJournalError) -> Int {
        do {
            return try queue.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM sessions s WHERE outcome != 'running'
                        AND NOT EXISTS (SELECT 1 FROM sync_confirmations c WHERE c.session_id = s.id)
                        """) ?? 0
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    /// Records that `store` holds the session with these rows (after its transaction committed).
    public func confirmSync(sessionID: Int64, store: String, rows: SyncConfirmation) throws(SessionJournalError) {
        do {
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO sync_confirmations
                            (session_id, store, beats, snapshots, music, events, confirmed_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        sessionID, store, rows.beats, rows.snapshots, rows.music, rows.events,
                        SessionRecorder.timestamp(Date()),
                    ])
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    /// What `store` confirmed of a session, or nil.
    public func confirmation(sessionID: Int64, store: String) throws(SessionJournalError) -> SyncConfirmation? {
        do {
            return try queue.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT * FROM sync_confirmations WHERE session_id = ? AND store = ?",
                    arguments: [sessionID, store]
                ).map { SyncConfirmation(beats: $0["beats"], snapshots: $0["snapshots"], music: $0["music"], events: $0["events"]) }
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    /// Deletes every session of `client` with all its rows (the right to erasure, GDPR Art. 17),
    /// except one being recorded now. Returns the sessions and beats removed.
    public func forget(client: String) throws(SessionJournalError) -> (sessions: Int, beats: Int) {
        let counts: (Int, Int)
        do {
            counts = try queue.write { db in
                let beats =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT count(*) FROM beats WHERE session_id IN
                                (SELECT id FROM sessions WHERE client = ? AND outcome != 'running')
                            """, arguments: [client]) ?? 0
                try db.execute(sql: "DELETE FROM sessions WHERE client = ? AND outcome != 'running'", arguments: [client])
                let sessions = db.changesCount
                // The client's resonance assessments are theirs too (their steps and confirmations cascade).
                try db.execute(sql: "DELETE FROM assessments WHERE client = ?", arguments: [client])
                return (sessions, beats)
            }
        } catch {
            throw .write(Self.describe(error))
        }
        if counts.0 > 0 { vacuumIfWorthIt() }
        return counts
    }
}
