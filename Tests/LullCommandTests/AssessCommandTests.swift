// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// `lull assess` judged from the outside, and the sessions it leads afterwards.
@Suite struct AssessCommandTests {
    static let stepKeys: Set<String> = [
        "breaths_per_min", "peak_trough_bpm", "lf_peak_ms2", "lf_ms2", "peak_hz", "rmssd_ms", "coherence", "phase_deg",
        "artifact_pct", "usable",
    ]

    struct Assessment {
        var beats: [[String: Any]]
        var resonance: [String: Any]
    }

    /// Runs `lull assess --json` and splits its lines: every line but the last is a beat, the last
    /// is the one `resonance` line.
    static func assess(_ arguments: [String], stdin: Data? = nil) throws -> Assessment {
        let result = try LullProcess.run(["assess", "--json"] + arguments, stdin: stdin)
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let last = try #require(objects.last)
        #expect(Array(last.keys) == ["resonance"])
        #expect(objects.dropLast().allSatisfy { $0["resonance"] == nil })
        return Assessment(beats: Array(objects.dropLast()), resonance: try #require(last["resonance"] as? [String: Any]))
    }

    static func temporaryJournal() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lull-assess-\(UUID().uuidString).sqlite").path
    }

    @Test func simulatedAssessmentWritesStepLinesThenOneResonanceLine() throws {
        let db = Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: db) }
        let run = try Self.assess(["--fast", "--seed", "7", "--step-minutes", "1", "--db", db, "--client", "ann"])
        let keys = ["t_s", "rr_ms", "flag", "hr_bpm", "rmssd_ms", "guide_breaths_per_min", "swell_lu", "tempo_bpm",
                    "loudness_lufs", "phase", "step_index"]
        for line in run.beats { #expect(keys.allSatisfy { line.keys.contains($0) }) }
        let phases = run.beats.map { $0["phase"] as? String }
        #expect(Set(phases) == ["settle", "step"])
        let settle = run.beats.filter { ($0["phase"] as? String) == "settle" }
        #expect(settle.allSatisfy { ($0["swell_lu"] as? Double) == 0 && $0["step_index"] is NSNull })
        for (index, rate) in [6.5, 6.0, 5.5, 5.0, 4.5].enumerated() {
            let step = run.beats.filter { ($0["step_index"] as? Int) == index }
            #expect(!step.isEmpty)
            #expect(step.allSatisfy { ($0["guide_breaths_per_min"] as? Double) == rate })
        }
        let r = run.resonance
        #expect(Set(r.keys) == ["breaths_per_min", "confidence", "reason", "steps"])
        let steps = try #require(r["steps"] as? [[String: Any]])
        #expect(steps.count == 5)
        #expect(steps.allSatisfy { Set($0.keys) == Self.stepKeys })
        let rate = try #require(r["breaths_per_min"] as? Double)
        #expect([6.5, 6.0, 5.5, 5.0, 4.5].contains(rate))
        #expect(!(try #require(r["reason"] as? String)).isEmpty)

        // Remembered: listed by lull sessions.
        let listed = try LullProcess.run(["sessions", "--json", "--db", db])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("\"assessment\":{"))
        #expect(listed.stdout.contains("\"breaths_per_min\":\(JSONSerialization.number(rate))"))
    }

    @Test func laterSessionsLeadTheBreathToTheAssessedPace() throws {
        let db = Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: db) }
        let run = try Self.assess(["--fast", "--seed", "3", "--step-minutes", "1", "--db", db, "--client", "bea"])
        let assessed = try #require(run.resonance["breaths_per_min"] as? Double)
        let session = try SessionCommandTests.session(["--fast", "--minutes", "40", "--client", "bea", "--db", db])
        #expect(session.summary["resonance_breaths_per_min"] as? Double == assessed)
        #expect(session.summary["resonance_source"] as? String == "assessment")
        // The lead paces a step below their breathing but never below the target: over 40 minutes the
        // slowest guide reaches the assessed pace (6/min for a client without an assessment).
        let lead = session.lines.filter { $0.phase == "lead" && $0.swell > 0 }
        let slowest = try #require(lead.map(\.guide).min())
        #expect(abs(slowest - assessed) < 0.05, "slowest guide \(slowest), assessed \(assessed)")

        // --resonance overrides it; another client is led to 6 as before.
        let flagged = try SessionCommandTests.session([
            "--fast", "--minutes", "40", "--client", "bea", "--db", db, "--resonance", "6.8",
        ])
        #expect(flagged.summary["resonance_source"] as? String == "flag")
        #expect(abs((flagged.lines.filter { $0.phase == "lead" && $0.swell > 0 }.map(\.guide).min() ?? 0) - 6.8) < 0.05)
        let other = try SessionCommandTests.session(["--fast", "--minutes", "40", "--client", "cy", "--db", db])
        #expect(other.summary["resonance_source"] == nil)
        #expect(other.lines.filter { $0.phase == "lead" && $0.swell > 0 }.map(\.guide).min() == 6)
    }

    @Test func aReplayDoesNotFollowThePaceAndGetsNoResonance() throws {
        let recording = try #require(LullProcess.sharedRecording("polar_h10_slow_breathing_brennan"))
        let db = Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: db) }
        let result = try LullProcess.run(["assess", "--source", "replay:\(recording.path)", "--fast", "--db", db])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("did not follow the paced breathing"))
        #expect(result.stdout.contains("No breathing pace was found."))
        let json = try Self.assess(["--source", "replay:\(recording.path)", "--fast", "--db", db])
        #expect(json.resonance["breaths_per_min"] is NSNull)
    }

    /// Lockstep: one state line per beat read, then the resonance line, for a program playing the listener.
    @Test func stdinIsLockstepWithOneLinePerBeat() throws {
        let db = Self.temporaryJournal()
        defer { try? FileManager.default.removeItem(atPath: db) }
        let beats = (0..<400).map { i in String(900 + 40 * sin(Double(i) * 0.55)) }
        let run = try Self.assess(
            ["--source", "stdin", "--rates", "6,5", "--step-minutes", "1", "--db", db],
            stdin: Data((beats.joined(separator: "\n") + "\n").utf8))
        // 400 beats of 0.9 s cover the 60-s settle and both 60-s steps (180 s) well before they run
        // out: the assessment ends with its last step and reads no further.
        let last = try #require(run.beats.last?["t_s"] as? Double)
        #expect(last >= 180 && last < 182)
        #expect(run.beats.count < beats.count)
        for (line, sent) in zip(run.beats, beats) { #expect(line["rr_ms"] as? Double == Double(sent)) }
        let steps = try #require(run.resonance["steps"] as? [[String: Any]])
        #expect(steps.map { $0["breaths_per_min"] as? Double } == [6, 5])
    }
}

extension JSONSerialization {
    /// How `lull` writes a number (whole numbers without a decimal point).
    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
