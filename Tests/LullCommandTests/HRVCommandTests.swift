// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// `lull hrv` as users and scripts drive it.
@Suite struct HRVCommandTests {
    static let polar = LullProcess.repositoryRoot
        .appendingPathComponent("Tests/HRVCoreTests/Fixtures/rr/polar_h10_slow_breathing_brennan.txt").path

    @Test(.timeLimit(.minutes(1)))
    func jsonHasWholeAndWindowsWithRawAndCorrectedBlocks() throws {
        let run = try LullProcess.run(["hrv", Self.polar, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let whole = try #require(object["whole"] as? [String: Any])
        let windows = try #require(object["windows"] as? [[String: Any]])
        #expect(windows.count == 2)
        for block in [whole["raw"], whole["corrected"], windows[0]["raw"], windows[1]["corrected"]] {
            let b = try #require(block as? [String: Any])
            for key in [
                "mean_rr_ms", "mean_hr_bpm", "sdnn_ms", "rmssd_ms", "pnn50_pct", "sd1_ms", "sd2_ms", "lf_ms2", "hf_ms2",
                "lf_hf", "coherence", "breathing_rate_per_min", "artifacts", "artifact_pct",
            ] {
                #expect(b[key] != nil, "missing \(key)")
            }
        }
        let raw = try #require(whole["raw"] as? [String: Any])
        // NeuroKit2 0.2.13 on this recording: RMSSD 37.3606 ms (Fixtures/oracle).
        let rmssd = try #require(raw["rmssd_ms"] as? Double)
        #expect(abs(rmssd - 37.3606) < 0.001)
    }

    @Test(.timeLimit(.minutes(1)))
    func stepSlidesTheWindows() throws {
        let run = try LullProcess.run(["hrv", Self.polar, "--window", "120", "--step", "30", "--json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let windows = try #require(object["windows"] as? [[String: Any]])
        // 601.57 s of beats: window starts 0, 30, … 480 end by the last beat.
        #expect(windows.count == 17)
        #expect(windows.map { $0["t_start_s"] as? Double } == (0..<17).map { Double($0 * 30) })
    }

    @Test(.timeLimit(.minutes(1)))
    func tableIsReadable() throws {
        let run = try LullProcess.run(["hrv", Self.polar])
        #expect(run.status == 0)
        #expect(run.stdout.contains("620 beats"))
        #expect(run.stdout.contains("RMSSD"))
        #expect(run.stdout.contains("whole"))
    }

    @Test(.timeLimit(.minutes(1)))
    func malformedLineIsAOneLineErrorNamingFileAndLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lull-bad-\(UUID().uuidString).txt")
        try "812\n790\n8x1\n805\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try LullProcess.run(["hrv", file.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(file.path): line 3: '8x1' is not a number"))
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stdout.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func missingAndEmptyFilesSaySo() throws {
        let missing = try LullProcess.run(["hrv", "/nonexistent/rr.txt"])
        #expect(missing.status != 0 && missing.stderr.contains("cannot read /nonexistent/rr.txt"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lull-empty-\(UUID().uuidString).txt")
        try "# nothing here\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let empty = try LullProcess.run(["hrv", file.path])
        #expect(empty.status != 0 && empty.stderr.contains("no RR intervals"))
    }
}
