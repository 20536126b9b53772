// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import SessionStore

/// A fresh folder under the system's temporary directory, removed when the test ends.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lull-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Opening the journal: schema, file modes, and refusing files that are not ours.
@Suite struct SessionDatabaseTests {
    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func migratesAnEmptyFolderToTheFullSchemaInWALMode() throws {
        let folder = try TemporaryFolder()
        let database = try SessionDatabase(path: folder.path("nested/lull.sqlite"))
        let (tables, applicationID, journalMode, migrations) = try database.queue.read { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
                try Int32.fetchOne(db, sql: "PRAGMA application_id"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try SessionSchema.migrator.appliedMigrations(db)
            )
        }
        for table in ["beats", "events", "music", "sessions", "snapshots"] { #expect(tables.contains(table)) }
        #expect(applicationID == 0x4C75_6C6C)
        #expect(journalMode == "wal")
        #expect(migrations == ["v1-journal", "v2-decided-flags", "v3-clinic-identity", "assessments", "assessment-sync", "music-tension"])
        let columns = try database.queue.read { db in try db.columns(in: "snapshots").map(\.name) }
        #expect(
            columns == [
                "session_id", "t_s", "hr_bpm", "rmssd_ms", "sdnn_ms", "breathing_rate_per_min", "coherence", "lf_ms2",
                "hf_ms2", "artifact_pct",
            ])
        // Reopening an already migrated journal is a no-op, not an error.
        _ = try SessionDatabase(path: database.path)
    }

    @Test func databaseAndItsWALFilesAreReadableByTheOwnerOnly() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("state/lull/lull.sqlite")
        let database = try SessionDatabase(path: path)
        let recorder = SessionRecorder(database: database, report: { _ in })
        _ = try recorder.start(client: "c", source: "simulate", strap: nil, settings: "{}")
        recorder.beat(seconds: 0.8, rrMilliseconds: 800, flag: "ok", contact: true)
        recorder.finish(outcome: .complete, summaryJSON: "{}")
        // The -wal and -shm files exist while a connection is open; check all three now.
        for suffix in ["", "-wal", "-shm"] {
            #expect(FileManager.default.fileExists(atPath: path + suffix), "\(suffix)")
            #expect(try Self.mode(path + suffix) == 0o600, "mode of lull.sqlite\(suffix)")
        }
        #expect(try Self.mode(folder.path("state/lull")) == 0o700)
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftByteForByteUnchanged() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("notes.sqlite")
        let bytes = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: SessionJournalError.notSQLite(path: path)) { try SessionDatabase(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let message = SessionJournalError.notSQLite(path: path).description
        #expect(message.contains(path) && !message.contains("\n"))
    }

    @Test func aTruncatedSQLiteFileIsRefusedAndLeftUnchanged() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("torn.sqlite")
        // The SQLite header, then garbage: a torn copy.
        let bytes = Data("SQLite format 3\0".utf8) + Data(repeating: 0xA5, count: 1000)
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: SessionJournalError.self) { try SessionDatabase(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func anotherProgramsSQLiteDatabaseIsRefusedAndLeftByteForByteUnchanged() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("contacts.db")
        let other = try DatabaseQueue(path: path)
        try other.write { db in
            try db.execute(sql: "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')")
        }
        try other.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: SessionJournalError.foreign(path: path, applicationID: 0, tables: 1)) {
            try SessionDatabase(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        let message = SessionJournalError.foreign(path: path, applicationID: 0, tables: 1).description
        #expect(message.hasPrefix(path) && !message.contains("\n"))
    }

    @Test func anEmptyExistingFileBecomesAJournal() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let database = try SessionDatabase(path: path)
        #expect(try database.sessions().isEmpty)
    }

    @Test(arguments: [
        (["STATE_DIRECTORY": "/var/lib/lull", "HOME": "/home/a"], "/var/lib/lull/lull.sqlite"),
        (["STATE_DIRECTORY": "/var/lib/lull:/var/lib/other"], "/var/lib/lull/lull.sqlite"),
        (["XDG_STATE_HOME": "/x/state", "HOME": "/home/a"], "/x/state/lull/lull.sqlite"),
        (["XDG_STATE_HOME": "relative", "HOME": "/home/a"], "/home/a/.local/state/lull/lull.sqlite"),
        (["HOME": "/home/a"], "/home/a/.local/state/lull/lull.sqlite"),
    ])
    func defaultPathFollowsSystemdThenXDGThenHome(environment: [String: String], expected: String) {
        #expect(SessionDatabase.defaultPath(environment: environment) == expected)
    }

    @Test func noHomeMeansNoDefaultPath() {
        #expect(SessionDatabase.defaultPath(environment: [:]) == nil)
    }
}
