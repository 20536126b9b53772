// SPDX-License-Identifier: Apache-2.0
import Foundation
import SessionStore
import Testing

/// The reading verbs on a damaged journal say they cannot read it, naming the file (before, they
/// said "session journal write failed", which sent the therapist looking for a full disk).
@Suite struct CorruptJournalTests {
    /// A journal of one 5-minute session whose pages after the first (the schema) are overwritten.
    static func damagedJournal(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("j.sqlite").path
        let run = try LullProcess.run(["session", "--fast", "--minutes", "5", "--audio", "none", "--db", path])
        #expect(run.status == 0, "\(run.stderr)")
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        #expect(size > 8 * 4096)
        try handle.seek(toOffset: 4096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
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
