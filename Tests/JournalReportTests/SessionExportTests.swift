// SPDX-License-Identifier: Apache-2.0
import Foundation
import HRVCore
import SessionStore
import Testing

@testable import JournalReport

/// Exports of a recorded session: what comes out is exactly what was stored.
@Suite struct SessionExportTests {
    @Test func kubiosTextReadsBackToTheStoredRRExactly() throws {
        let journal = try JournalFixture()
        let id = try journal.record(client: "ada # 1\nsecond line", minutes: 6)
        let session = try #require(try journal.database.session(id: id))
        let text = SessionExport.text(session, format: .kubios)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("# Lull session \(id), client ada # 1 second line"))
        #expect(lines[1] == "Time (s)\tRR (ms)")
        #expect(try RRText.parse(text) == session.beats.map(\.rrMilliseconds))
        let second = lines[2].split(separator: "\t")
        #expect(Double(second[0]) == session.beats[0].seconds)
    }

    @Test func csvHasEveryBeatWithItsFlagContactAndDecision() throws {
        let journal = try JournalFixture()
        let id = try journal.record(client: "ada", minutes: 6)
        let session = try #require(try journal.database.session(id: id))
        let lines = SessionExport.text(session, format: .csv).split(separator: "\n")
        #expect(lines.first == "t_s,rr_ms,flag,contact,decided")
        #expect(lines.count == session.beats.count + 1)
        #expect(lines[101].hasSuffix(",ectopic,1,1"))
        let fields = lines[1].split(separator: ",")
        #expect(Double(fields[1]) == session.beats[0].rrMilliseconds)
        #expect(lines.dropFirst().filter { $0.contains(",ectopic,") }.count == 1)
    }

    @Test func jsonHoldsTheWholeSession() throws {
        let journal = try JournalFixture()
        let id = try journal.record(client: "a \"quoted\" name", minutes: 6)
        let session = try #require(try journal.database.session(id: id))
        let text = SessionExport.text(session, format: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let row = try #require(object["session"] as? [String: Any])
        #expect(row["client"] as? String == "a \"quoted\" name")
        #expect(row["outcome"] as? String == "complete")
        #expect((object["summary"] as? [String: Any])?["time_to_calm_s"] as? Double == 420)
        #expect((object["settings"] as? [String: Any])?["minutes"] as? Double == 6)
        #expect((object["beats"] as? [Any])?.count == session.beats.count)
        #expect((object["snapshots"] as? [Any])?.count == session.snapshots.count)
        #expect((object["music"] as? [[String: Any]])?.first?["phase"] as? String == "match")
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.map { $0["kind"] as? String } == ["strap_lost", "strap_back"])
    }
}
