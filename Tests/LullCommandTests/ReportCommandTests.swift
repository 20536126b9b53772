// SPDX-License-Identifier: Apache-2.0
import Foundation
import HRVCore
import JournalReport
import SessionStore
import Testing

/// `lull export`, `lull report` and `lull prune` on journals recorded by `lull session`, and the
/// journal's per-beat verdicts, all through the real binary.
@Suite struct ReportCommandTests {
    typealias Folder = JournalCommandTests.Folder

    /// A 10-minute recording with one missed beat (two intervals merged) at 300 and one extra beat
    /// (an interval split 40/60) at 500.
    static func recordingWithArtifacts() -> [Double] {
        var t = 0.0
        var rr: [Double] = (0..<720).map { _ in
            let v = ((850 + 45 * sin(2 * Double.pi * 0.1 * t)) * 1000).rounded() / 1000
            t += v / 1000
            return v
        }
        rr[300] += rr[301]
        rr.remove(at: 301)
        let split = rr[500]
        rr.replaceSubrange(500...500, with: [split * 0.4, split * 0.6])
        return rr
    }

    @Test func everyReplayedBeatIsStoredOneForOneWithTheFiltersVerdict() throws {
        let folder = try Folder()
        let file = folder.path("rr.txt")
        let rr = Self.recordingWithArtifacts()
        try rr.map { "\($0)" }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let db = folder.path("j.sqlite")
        let run = try LullProcess.run(
            ["session", "--source", "replay:\(file)", "--fast", "--audio", "none", "--minutes", "15", "--db", db])
        #expect(run.status == 0, "\(run.stderr)")
        let database = try SessionDatabase(path: db)
        let id = try #require(try database.sessions().first?.id)
        let stored = try database.beats(sessionID: id)
        #expect(stored.map(\.rrMilliseconds) == rr, "the beats stored equal the beats delivered, one for one")
        #expect(stored.map(\.seconds) == RecordingAnalysis.beats(milliseconds: rr).map(\.beatTimeSeconds))
        #expect(stored.allSatisfy { $0.decided == true }, "every beat has its verdict, the last 6 too")
        #expect(stored[300].flag == "missed")
        #expect(stored[500].flag == "extra" || stored[501].flag == "extra")
        let flagged = stored.indices.filter { stored[$0].flag != "ok" }
        #expect(flagged.allSatisfy { (299...302).contains($0) || (499...502).contains($0) }, "\(flagged)")
    }

    @Test func aKubiosExportReadBackByLullHRVGivesTheSessionsOwnWindows() throws {
        let folder = try Folder()
        let db = folder.path("j.sqlite")
        let run = try LullProcess.run(
            ["session", "--fast", "--minutes", "16", "--seed", "11", "--artifacts", "2", "--db", db, "--client", "ada"])
        #expect(run.status == 0, "\(run.stderr)")
        let export = folder.path("ada.txt")
        let exported = try LullProcess.run(["export", "--session", "1", "--format", "kubios", "--out", export, "--db", db])
        #expect(exported.status == 0, "\(exported.stderr)")
        let hrv = try LullProcess.run(["hrv", export, "--json"])
        #expect(hrv.status == 0, "\(hrv.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(hrv.stdout.utf8)) as? [String: Any])
        let windows = try #require(object["windows"] as? [[String: Any]])

        let session = try #require(try SessionDatabase(path: db).session(id: 1))
        let analysis = SessionAnalysis(session)
        #expect(analysis.windows.count == 3)
        #expect(windows.count == analysis.windows.count)
        for (printed, own) in zip(windows, analysis.windows) {
            let block = try #require(printed["corrected"] as? [String: Any])
            #expect(block["n_rr"] as? Int == own.intervalCount)
            let t = try #require(own.timeDomain)
            let expected: [(String, Double?)] = [
                ("mean_hr_bpm", t.meanHeartRateBPM), ("sdnn_ms", t.sdnnMilliseconds), ("rmssd_ms", t.rmssdMilliseconds),
                ("pnn50_pct", t.pnn50Percent), ("sd1_ms", t.sd1Milliseconds), ("sd2_ms", t.sd2Milliseconds),
                ("lf_ms2", own.frequencyDomain?.lfMs2), ("hf_ms2", own.frequencyDomain?.hfMs2),
                ("breathing_rate_per_min", own.breathingRatePerMinute), ("coherence", own.coherence),
            ]
            for (key, value) in expected {
                let mine = try #require(value, "\(key)")
                let theirs = try #require(block[key] as? Double, "\(key)")
                // Equal to the last bits the JSON text carries (Foundation's reader may be 1 ulp off).
                #expect(abs(mine - theirs) <= 1e-12 * max(1, abs(mine)), "\(key): \(mine) vs \(theirs)")
            }
        }
        // CSV and JSON exports of the same session, to stdout.
        let csv = try LullProcess.run(["export", "--session", "1", "--format", "csv", "--db", db])
        #expect(csv.stdout.split(separator: "\n").count == session.beats.count + 1)
        let json = try LullProcess.run(["export", "--session", "1", "--format", "json", "--db", db])
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["beats"] != nil)
        let missing = try LullProcess.run(["export", "--session", "7", "--format", "csv", "--db", db])
        #expect(missing.status != 0 && missing.stderr.contains("no session 7"))
        let badFormat = try LullProcess.run(["export", "--session", "1", "--format", "xls", "--db", db])
        #expect(badFormat.status != 0 && badFormat.stderr.contains("--format xls"))
    }

    @Test func reportWritesOnePageAndAnEmptySelectionIsOneLine() throws {
        let folder = try Folder()
        let db = folder.path("j.sqlite")
        for seed in ["1", "2"] {
            let run = try LullProcess.run(
                ["session", "--fast", "--minutes", "11", "--seed", seed, "--db", db, "--client", "ada"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let page = folder.path("ada.html")
        let report = try LullProcess.run(["report", "--client", "ada", "--since", "30d", "--out", page, "--db", db])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        // Seven charts a session (heart rate, RMSSD, breathing, coherence, tempo, loudness, tension)
        // and seven across the client's sessions.
        #expect(html.components(separatedBy: "<svg").count - 1 == 2 * 7 + 7)
        #expect(html.contains("Music tension"))
        #expect(!html.contains("<script") && !html.contains("http"))

        let none = folder.path("none.html")
        let empty = try LullProcess.run(["report", "--client", "nobody", "--out", none, "--db", db])
        #expect(empty.status != 0)
        #expect(empty.stderr.split(separator: "\n").count == 1 && empty.stderr.contains("client 'nobody'"))
        #expect(!FileManager.default.fileExists(atPath: none))
        let noJournal = try LullProcess.run(["report", "--out", none, "--db", folder.path("absent.sqlite")])
        #expect(noJournal.status != 0 && noJournal.stderr.contains("no session journal"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("absent.sqlite")), "reading never creates one")
    }

    @Test func pruneSaysHowManySessionsItRemoved() throws {
        let folder = try Folder()
        let db = folder.path("j.sqlite")
        for _ in 0..<2 {
            #expect(try LullProcess.run(["session", "--fast", "--minutes", "1", "--db", db]).status == 0)
        }
        let none = try LullProcess.run(["prune", "--older-than", "365d", "--db", db])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.stdout.hasPrefix("removed 0 sessions started before "))
        let all = try LullProcess.run(["prune", "--older-than", "0h", "--db", db])
        #expect(all.stdout.hasPrefix("removed 2 sessions"), "\(all.stdout)\(all.stderr)")
        #expect(try SessionDatabase(path: db).sessions().isEmpty)
        let bad = try LullProcess.run(["prune", "--older-than", "a year", "--db", db])
        #expect(bad.status != 0 && bad.stderr.contains("--older-than a year"))
    }
}
