// SPDX-License-Identifier: Apache-2.0
import Foundation
import SessionStore
import Testing

/// `lull session` recording into the journal and `lull sessions` listing it, run as the real binary.
@Suite struct JournalCommandTests {
    final class Folder {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("lull-journal-cmd-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    /// The beat lines of a `--json` session: (t_s, rr_ms) in the order printed. The numbers are read
    /// from the text with `Double(_:)`, which round-trips exactly; Foundation's JSON parser on Linux
    /// can be 1 ulp off, which would hide or fake a difference.
    static func jsonBeats(_ stdout: String) throws -> [(t: Double, rr: Double)] {
        func number(_ key: String, in line: Substring) throws -> Double {
            let start = try #require(line.range(of: "\"\(key)\":")).upperBound
            let end = line[start...].firstIndex { $0 == "," || $0 == "}" } ?? line.endIndex
            return try #require(Double(line[start..<end]))
        }
        return try stdout.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("{\"summary\"") else { return nil }
            return (try number("t_s", in: line), try number("rr_ms", in: line))
        }
    }

    @Test func everyBeatTheSessionReceivedIsStoredOneForOneInOrder() throws {
        let folder = try Folder()
        let db = folder.path("j.sqlite")
        let run = try LullProcess.run(
            ["session", "--fast", "--minutes", "5", "--json", "--db", db, "--client", "ada", "--artifacts", "3"])
        #expect(run.status == 0, "\(run.stderr)")
        let printed = try Self.jsonBeats(run.stdout)
        #expect(printed.count > 300)
        let database = try SessionDatabase(path: db)
        let listing = try #require(try database.sessions().first)
        #expect(listing.outcome == "complete")
        #expect(listing.client == "ada")
        let stored = try database.beats(sessionID: listing.id)
        #expect(stored.count == printed.count)
        // rr_ms is printed at full precision (shortest round-trip), so equality is exact; t_s is
        // printed rounded to the millisecond.
        #expect(stored.map(\.rrMilliseconds) == printed.map(\.rr))
        for (s, p) in zip(stored, printed) { #expect(abs(s.seconds - p.t) <= 0.0005) }
        // Snapshots and music every 5 s of session time: 60 in 5 minutes (0, 5, ..., 295).
        #expect(listing.beats == printed.count)
        #expect(listing.heartRateBPM.first != nil && listing.rmssdMilliseconds.last != nil)
        #expect(try database.outcome(sessionID: listing.id)?.events == ["complete"])
    }

    @Test func sessionsListsWhatWasRecordedFilteredByClientAndDate() throws {
        let folder = try Folder()
        let db = folder.path("j.sqlite")
        for (client, profile) in [("ada", "anxious"), ("bo", "calm")] {
            let run = try LullProcess.run(
                ["session", "--fast", "--minutes", "12", "--db", db, "--client", client, "--profile", profile])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let all = try LullProcess.run(["sessions", "--db", db])
        #expect(all.status == 0, "\(all.stderr)")
        let lines = all.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("ada") == true && lines.last?.contains("bo") == true)
        for line in lines {
            #expect(line.contains("12:00") && line.contains("complete") && line.contains("HR ") && line.contains("→"))
        }
        #expect(
            try LullProcess.run(["sessions", "--db", db, "--client", "bo"]).stdout.split(separator: "\n").count == 1)
        #expect(
            try LullProcess.run(["sessions", "--db", db, "--since", "1d"]).stdout.split(separator: "\n").count == 2)
        #expect(try LullProcess.run(["sessions", "--db", db, "--since", "2999-01-01"]).stdout.isEmpty)

        let json = try LullProcess.run(["sessions", "--db", db, "--json", "--client", "ada"])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["client"] as? String == "ada")
        #expect(object["outcome"] as? String == "complete")
        #expect((object["duration_s"] as? Double).map { abs($0 - 720) < 1 } == true)
        // The anxious listener calms: heart rate falls from the first 5 minutes to the last.
        let hr = try #require(object["hr_bpm"] as? [String: Any])
        let (first, last) = (try #require(hr["first"] as? Double), try #require(hr["last"] as? Double))
        #expect(last < first)
    }

    @Test func aCorruptJournalStopsTheSessionBeforeItStartsAndIsLeftUnchanged() throws {
        let folder = try Folder()
        let db = folder.path("j.sqlite")
        let bytes = Data("not a database, a therapist's notes\n".utf8) + Data(repeating: 0x42, count: 4000)
        try bytes.write(to: URL(fileURLWithPath: db))
        let run = try LullProcess.run(["session", "--fast", "--minutes", "5", "--json", "--db", db])
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty, "no beat may be played or printed")
        let errorLines = run.stderr.split(separator: "\n")
        #expect(errorLines.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains(db) && run.stderr.contains("not an SQLite database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == bytes)
        let list = try LullProcess.run(["sessions", "--db", db])
        #expect(list.status != 0 && list.stderr.contains(db))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == bytes)
    }

    @Test func recordingGoesToTheXDGStateFolderByDefaultAndNowhereWithNoRecord() throws {
        let folder = try Folder()
        let environment = ["XDG_STATE_HOME": folder.url.path, "STATE_DIRECTORY": ""]
        let quiet = try LullProcess.run(
            ["session", "--fast", "--minutes", "1", "--no-record"], environment: environment)
        #expect(quiet.status == 0, "\(quiet.stderr)")
        let path = folder.path("lull/lull.sqlite")
        #expect(!FileManager.default.fileExists(atPath: path))
        let recorded = try LullProcess.run(["session", "--fast", "--minutes", "1"], environment: environment)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(try SessionDatabase(path: path).sessions().count == 1)
        let both = try LullProcess.run(["session", "--fast", "--no-record", "--db", path])
        #expect(both.status != 0 && both.stderr.contains("--no-record"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aSessionKilledMidwayIsListedAsInterruptedWithItsCommittedBeats() throws {
        let folder = try Folder()
        let db = folder.path("j.sqlite")
        let process = Process()
        process.executableURL = LullProcess.binary
        // Real time (not --fast), so the kill lands mid-session.
        process.arguments = ["session", "--minutes", "5", "--audio", "none", "--db", db, "--client", "kim"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until beats are committed (the recorder commits every 0.5 s); up to 30 s, as a
        // loaded machine can take a while to start the process.
        var committed = 0
        for _ in 0..<600 where committed < 3 {
            usleep(50_000)
            if FileManager.default.fileExists(atPath: db), let database = try? SessionDatabase(path: db),
                let id = try? database.sessions().first?.id
            {
                committed = (try? database.beats(sessionID: id).count) ?? 0
            }
        }
        #expect(committed >= 3)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let list = try LullProcess.run(["sessions", "--db", db, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        #expect(object["outcome"] as? String == "interrupted")
        #expect((object["beats"] as? Int).map { $0 >= committed } == true)
        let database = try SessionDatabase(path: db)
        #expect(try database.outcome(sessionID: 1)?.events.last == "crash_recovery")
    }
}
