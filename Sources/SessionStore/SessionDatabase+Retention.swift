// SPDX-License-Identifier: Apache-2.0
public import Foundation
import GRDB

extension SessionDatabase {
    /// Deletes the sessions that started before `date` with all their rows (the tables cascade on
    /// the session id), except a session still being recorded: a `running` session whose process is
    /// alive (one whose process died was marked interrupted when this journal was opened, and goes).
    /// Returns how many sessions were removed. For `lull prune` and the daemon's retention.
    /// With `keepUnconfirmed` (sync to a clinic store is configured), a session no store has
    /// confirmed is kept whatever its age: pruning must never delete the only copy.
    ///
    /// Deleting leaves free pages that later sessions reuse; the file only shrinks with VACUUM,
    /// which rewrites it whole, so it runs only when at least a quarter of the file is free. It is
    /// best effort: a VACUUM refused because another process is writing leaves the pages for reuse.
    @discardableResult
    public func prune(startedBefore date: Date, keepUnconfirmed: Bool = false) throws(SessionJournalError) -> Int {
        let cutoff = SessionRecorder.timestamp(date)
        let removed: Int
        do {
            removed = try queue.write { db in
                let unconfirmed =
                    keepUnconfirmed
                    ? " AND EXISTS (SELECT 1 FROM sync_confirmations c WHERE c.session_id = sessions.id)" : ""
                try db.execute(
                    sql: "DELETE FROM sessions WHERE started_at < ? AND outcome != 'running'\(unconfirmed)",
                    arguments: [cutoff])
                return db.changesCount
            }
        } catch {
            throw .write(Self.describe(error))
        }
        if removed > 0 { vacuumIfWorthIt() }
        return removed
    }

    /// Free pages as a share of the file, 0...1.
    public func freeFraction() throws(SessionJournalError) -> Double {
        do {
            return try queue.read { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                return pages > 0 ? Double(free) / Double(pages) : 0
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    func vacuumIfWorthIt() {
        guard let free = try? freeFraction(), free >= 0.25 else { return }
        // VACUUM cannot run inside a transaction; then fold the WAL back into the smaller file.
        try? queue.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
