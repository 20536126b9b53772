// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import SessionStore
import Testing

/// The reading verbs on a damaged journal say they cannot read it, naming the file (before, they
/// said "session journal write failed", which sent the therapist looking for a full disk).
@Suite struct CorruptJournalTests {
    /// A journal of one 5-minute session whose pages but the schema's are overwritten (the schema
    /// spans more than the first page: its pages are asked of SQLite's `dbstat` table).
    static func damagedJournal(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("j.sqlite").path
        let run = try LullProcess.run(["session", "--fast", "--minutes", "5", "--audio", "none", "--db", path])
        #expect(run.status == 0, "\(run.stderr)")
        let (pageSize, schemaPages) = try DatabaseQueue(path: path).read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096,
                Set(try Int.fetchAll(db, sql: "SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'"))
            )
        }
        #expect(schemaPages.contains(1))
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = Int(try handle.seekToEnd())
        #expect(size > 8 * pageSize)
        var damaged = 0
        for page in 2...(size / pageSize) where !schemaPages.contains(page) {
            try handle.seek(toOffset: UInt64((page - 1) * pageSize))
            try handle.write(contentsOf: Data(repeating: 0xA5, count: pageSize))
            damaged += 1
        }
        #expect(damaged > 5)
        try handle.close()
        return path
    }

    @Test(.timeLimit(.minutes(1)), arguments: [
        ["sessions"], ["report", "--out", "REPORT"], ["export", "--session", "1", "--format", "csv"],
    ])
    func readingVerbsSayTheyCannotReadTheJournal(_ verb: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-corrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try Self.damagedJournal(in: folder)
        let report = folder.appendingPathComponent("r.html").path
        let run = try LullProcess.run(verb.map { $0 == "REPORT" ? report : $0 } + ["--db", path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(path): cannot read the journal: "), "\(run.stderr)")
        #expect(!run.stderr.contains("write failed"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }
}
