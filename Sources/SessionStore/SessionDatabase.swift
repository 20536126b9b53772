// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// The session journal: one SQLite file (WAL mode) that holds every session, beat, snapshot, music
/// target and event. An adapter: it owns the file; the cores never see it.
///
/// Opening is careful because the file is a person's clinical record: a file that is not SQLite,
/// or is SQLite but not ours, is reported and left byte-for-byte alone, never migrated or replaced.
public final class SessionDatabase: Sendable {
    public let path: String
    /// The kiosk new sessions are stamped with (`kiosk.id`, else derived from /etc/machine-id).
    public let kioskID: String
    let queue: DatabaseQueue

    /// Opens (creating with mode 0600 if absent, making it and its -wal and -shm files 0600 if not) and
    /// migrates the journal at `path`, then marks
    /// sessions whose process is gone as interrupted (see `recoverInterrupted`). New sessions are
    /// stamped with `kioskID` (default: $LULL_KIOSK_ID, else derived from /etc/machine-id), and so
    /// are sessions recorded before sessions carried one.
    public init(
        path: String, kioskID: String? = nil, isProcessAlive: (Int32) -> Bool = SessionDatabase.isProcessAlive
    )
        throws(SessionJournalError)
    {
        self.path = path
        // LULL_KIOSK_ID: the configuration key kiosk.id as its variable, for the verbs without a file.
        self.kioskID = kioskID ?? KioskIdentity.resolve(configured: ProcessInfo.processInfo.environment["LULL_KIOSK_ID"])
        try Self.createIfAbsent(path)
        try Self.enforcePrivateMode(path)
        try Self.checkIsOurs(path)
        do {
            var configuration = Configuration()
            // Another `lull session` or `lull sessions` may hold the write lock for a commit.
            configuration.busyMode = .timeout(5)
            configuration.label = "lull.journal"
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                // WAL: a commit is one append, readers never block the session's writer.
                // synchronous=FULL: in WAL mode NORMAL may lose commits since the last checkpoint on a
                // power cut, and the promise is "at most the last second" (sqlite.org/pragma.html#pragma_synchronous).
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let migrator = SessionSchema.migrator
            if try queue.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw SessionJournalError.newerSchema(path: path)
            }
            try migrator.migrate(queue)
            try queue.write { [kioskID = self.kioskID] db in
                try db.execute(sql: "UPDATE sessions SET kiosk_id = ? WHERE kiosk_id IS NULL", arguments: [kioskID])
                try db.execute(sql: "UPDATE assessments SET kiosk_id = ? WHERE kiosk_id IS NULL", arguments: [kioskID])
            }
        } catch let error as SessionJournalError {
            throw error
        } catch {
            throw Self.isDamaged(error) ? .read(path: path, reason: Self.describe(error)) : .cannotOpen(path: path, reason: Self.describe(error))
        }
        _ = try recoverInterrupted(isProcessAlive: isProcessAlive)
    }

    /// Sessions still `running` whose recording process no longer exists become `interrupted`, with
    /// a `crash_recovery` event at their last recorded time; every committed row is kept. A session
    /// whose process is alive (another `lull session` recording now) is left alone.
    @discardableResult
    public func recoverInterrupted(isProcessAlive: (Int32) -> Bool = SessionDatabase.isProcessAlive)
        throws(SessionJournalError) -> [Int64]
    {
        do {
            return try queue.write { db in
                let rows = try Row.fetchAll(db, sql: "SELECT id, pid FROM sessions WHERE outcome = 'running'")
                var recovered: [Int64] = []
                for row in rows {
                    let id: Int64 = row["id"]
                    if let pid: Int32 = row["pid"], isProcessAlive(pid) { continue }
                    let lastSeconds =
                        try Double.fetchOne(
                            db,
                            sql: """
                                SELECT max(t) FROM (
                                    SELECT max(t_s) AS t FROM beats WHERE session_id = ?1
                                    UNION ALL SELECT max(t_s) FROM events WHERE session_id = ?1)
                                """, arguments: [id]) ?? 0
                    try db.execute(sql: "UPDATE sessions SET outcome = 'interrupted' WHERE id = ?", arguments: [id])
                    try db.execute(
                        sql: "INSERT INTO events (session_id, t_s, kind, detail) VALUES (?, ?, 'crash_recovery', ?)",
                        arguments: [id, lastSeconds, "the recording process ended without finishing the session"])
                    recovered.append(id)
                }
                return recovered
            }
        } catch {
            throw Self.isDamaged(error) ? .read(path: path, reason: Self.describe(error)) : .write(Self.describe(error))
        }
    }

    /// True when a process with this id exists (`kill(pid, 0)`; EPERM means it exists as another user).
    public static func isProcessAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Creates the parent folders (0700) and an empty file with mode 0600 when absent. SQLite gives
    /// the -wal and -shm files the database file's own mode, so they are 0600 too (os_unix.c
    /// `findCreateFileMode`), whatever the umask.
    static func createIfAbsent(_ path: String) throws(SessionJournalError) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw .cannotOpen(path: path, reason: "it is a directory") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && !fm.fileExists(atPath: parent) {
            do {
                try fm.createDirectory(
                    atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create \(parent): \(error.localizedDescription)")
            }
        }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            let code = errno
            if code == EEXIST { return }  // created by a concurrent opener: check it as any existing file
            throw .cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        close(fd)
    }

    /// Refuses a non-empty file without the SQLite header, and an SQLite file that is neither empty
    /// nor stamped with Lull's application_id. Checked read-only, so the refused file is unchanged.
    static func checkIsOurs(_ path: String) throws(SessionJournalError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .cannotOpen(path: path, reason: "cannot read it (permissions?)")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        if header.isEmpty { return }  // a new, empty file: SQLite initialises it
        guard header == Data("SQLite format 3\0".utf8) else { throw .notSQLite(path: path) }
        let (applicationID, tables): (Int32, Int)
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(5)
            let reader = try DatabaseQueue(path: path, configuration: configuration)
            (applicationID, tables) = try reader.read { db in
                (
                    try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                )
            }
            try reader.close()
        } catch let error as DatabaseError
            where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
        {
            throw .notSQLite(path: path)
        } catch {
            throw .cannotOpen(path: path, reason: describe(error))
        }
        if applicationID == SessionSchema.applicationID { return }
        // An SQLite file with no tables and no id is an empty database someone created for us.
        if applicationID == 0 && tables == 0 { return }
        throw .foreign(path: path, applicationID: applicationID, tables: tables)
    }

    /// A damaged file (SQLITE_CORRUPT, SQLITE_NOTADB): whatever the statement, the journal cannot be read.
    static func isDamaged(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB
    }

    /// One line from a GRDB error (its description can span lines with the SQL).
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}
