// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// `lull session` judged from the outside: its JSON lines, as another program reads them.
@Suite struct SessionCommandTests {
    struct Line {
        var t: Double
        var rr: Double
        var flag: String
        var hr: Double?
        var rmssd: Double?
        var breathing: Double?
        var phase: String
        var tempo: Double
        var loudness: Double
        var guide: Double
        var swell: Double
        var envelope: Double
    }

    struct Run {
        var lines: [Line]
        var summary: [String: Any]
    }

    static func session(_ arguments: [String], stdin: Data? = nil) throws -> Run {
        let result = try LullProcess.run(["session", "--json"] + arguments, stdin: stdin)
        #expect(result.status == 0, "\(result.stderr)")
        var lines: [Line] = []
        var summary: [String: Any] = [:]
        for text in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            if let s = object["summary"] as? [String: Any] {
                summary = s
                continue
            }
            lines.append(
                Line(
                    t: try #require(object["t_s"] as? Double), rr: try #require(object["rr_ms"] as? Double),
                    flag: try #require(object["flag"] as? String), hr: object["hr_bpm"] as? Double,
                    rmssd: object["rmssd_ms"] as? Double, breathing: object["breathing_rate_per_min"] as? Double,
                    phase: try #require(object["phase"] as? String), tempo: try #require(object["tempo_bpm"] as? Double),
                    loudness: try #require(object["loudness_lufs"] as? Double),
                    guide: try #require(object["guide_breaths_per_min"] as? Double),
                    swell: try #require(object["swell_lu"] as? Double),
                    envelope: try #require(object["envelope_gain"] as? Double)))
        }
        #expect(!summary.isEmpty, "no summary line")
        return Run(lines: lines, summary: summary)
    }

    /// The therapist's bounds, checked on every beat from the JSON lines: tempo moves no faster than
    /// 3 BPM/min and ends no lower than 40 % below its matched start; loudness moves no faster than
    /// 1 LU/min and never exceeds the -18 LUFS ceiling; the guide moves no faster than 1 breath/min per
    /// minute. Rates are checked between beats at least 10 s apart (one beat's rounding is not a
    /// rate), and only for what is heard: tempo and loudness once the music has faded in (before the
    /// first heart rate it is silent and its tempo a placeholder; matching sets the start), the guide
    /// while the swell is on (it starts at the listener's own breathing rate, then may move).
    static func checkBounds(_ lines: [Line], matchedTempo: Double) {
        var anchor: Line?
        var guideAnchor: Line?
        for line in lines {
            #expect(line.loudness <= -18 + 1e-9)
            guard line.envelope > 0 else { continue }
            #expect(line.tempo >= matchedTempo * 0.6 - 1e-6, "tempo \(line.tempo) at \(line.t)")
            if line.swell <= 0 { guideAnchor = nil } else if guideAnchor == nil { guideAnchor = line }
            guard let a = anchor else {
                anchor = line
                continue
            }
            let dt = line.t - a.t
            guard dt >= 10 else { continue }
            let minutes = dt / 60
            #expect(abs(line.tempo - a.tempo) <= 3 * minutes + 0.05, "tempo rate at \(line.t)")
            #expect(abs(line.loudness - a.loudness) <= 1 * minutes + 0.05, "loudness rate at \(line.t)")
            if let g = guideAnchor, line.t - g.t >= 10 {
                #expect(abs(line.guide - g.guide) <= (line.t - g.t) / 60 + 0.05, "guide rate at \(line.t)")
                guideAnchor = line
            }
            anchor = line
        }
        #expect(anchor != nil, "the music never started")
    }

    static func mean(_ lines: [Line], _ from: Double, _ to: Double, _ value: (Line) -> Double?) -> Double {
        let values = lines.filter { $0.t > from && $0.t <= to }.compactMap(value)
        return values.reduce(0, +) / Double(max(1, values.count))
    }

    /// Anxious profile, 10 seeds, 20 minutes: RMSSD up ≥ 30 % and HR down ≥ 5 bpm from the first to
    /// the last 5 minutes in at least 8 of 10, with every bound held on every beat.
    @Test(.timeLimit(.minutes(5)))
    func anxiousListenersCalmWithinTheBounds() throws {
        var successes = 0
        for seed in 1...10 {
            let run = try Self.session(["--fast", "--profile", "anxious", "--seed", "\(seed)", "--minutes", "20"])
            let matched = try #require(run.summary["matched_tempo_bpm"] as? Double)
            Self.checkBounds(run.lines, matchedTempo: matched)
            let rmssd0 = Self.mean(run.lines, 0, 300) { $0.rmssd }
            let rmssd1 = Self.mean(run.lines, 900, 1200) { $0.rmssd }
            let hr0 = Self.mean(run.lines, 0, 300) { $0.hr }
            let hr1 = Self.mean(run.lines, 900, 1200) { $0.hr }
            if rmssd1 >= 1.3 * rmssd0 && hr1 <= hr0 - 5 { successes += 1 }
        }
        #expect(successes >= 8, "\(successes) of 10 calmed")
    }

    /// A listener who does not follow: the controller holds, and the tempo never goes more than 35 %
    /// below its matched start.
    @Test(.timeLimit(.minutes(2)))
    func nonResponderMakesTheControllerHold() throws {
        let run = try Self.session(["--fast", "--profile", "non-responder", "--seed", "3", "--minutes", "20"])
        let matched = try #require(run.summary["matched_tempo_bpm"] as? Double)
        #expect(run.lines.contains { $0.phase == "hold" })
        #expect(run.lines.allSatisfy { $0.tempo >= 0.65 * matched - 1e-6 })
        Self.checkBounds(run.lines, matchedTempo: matched)
    }

    /// 5 % injected ectopic, missed and extra beats on the same seed move the tempo trajectory by
    /// less than 1 BPM RMS against the clean run (sampled every 10 s of session time).
    @Test(.timeLimit(.minutes(2)))
    func artifactsBarelyMoveTheTempo() throws {
        let clean = try Self.session(["--fast", "--seed", "5", "--minutes", "20"])
        let noisy = try Self.session(["--fast", "--seed", "5", "--minutes", "20", "--artifacts", "5"])
        func tempo(_ lines: [Line], at t: Double) -> Double { lines.last { $0.t <= t }?.tempo ?? lines[0].tempo }
        var sum = 0.0
        var n = 0
        for t in stride(from: 10.0, through: 1190, by: 10) {
            let d = tempo(clean.lines, at: t) - tempo(noisy.lines, at: t)
            sum += d * d
            n += 1
        }
        let rms = (sum / Double(n)).squareRoot()
        #expect(rms < 1, "tempo RMS difference \(rms) BPM")
        let artifacts = try #require(noisy.summary["artifact_pct"] as? Double)
        #expect(artifacts > 2)
    }

    /// Replaying each shared recording (open loop) runs to the end with the parameters in bounds.
    @Test(.timeLimit(.minutes(5)), arguments: [
        "nsrdb_pyhrv_5min", "polar_h10_slow_breathing_brennan", "chf2db_chf208_excerpt_10min_artifacts",
        "ecg_rest_30min_piskorski_a", "nsrdb_pyhrv_60min", "apnea_ecg_a01_overnight", "rrhealthy_000_holter",
        "nsr2db_nsr021_24h", "chf2db_chf201_24h",
    ])
    func replayRunsToTheEndWithinBounds(_ name: String) throws {
        let file = try #require(LullProcess.sharedRecording(name), "shared recordings not found")
        let run = try Self.session(["--fast", "--source", "replay:\(file.path)", "--minutes", "30"])
        let matched = run.summary["matched_tempo_bpm"] as? Double ?? run.lines[0].tempo
        Self.checkBounds(run.lines, matchedTempo: matched)
        let duration = try #require(run.summary["duration_s"] as? Double)
        #expect(duration > 290)
        #expect(run.lines.last!.t <= 30 * 60)
    }

    /// stdin lockstep: one state line per beat read, and the session time is the sum of the intervals.
    @Test(.timeLimit(.minutes(1)))
    func stdinGivesOneLinePerBeat() throws {
        var input = ""
        for i in 0..<400 { input += i % 2 == 0 ? "800\n" : "{\"rr_ms\": 820}\n" }
        let run = try Self.session(["--source", "stdin", "--minutes", "10"], stdin: Data(input.utf8))
        #expect(run.lines.count == 400)
        #expect(abs(run.lines.last!.t - 324) < 0.01)
        #expect(run.summary["ended_early"] as? Bool == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func badStdinLineIsAClearError() throws {
        let result = try LullProcess.run(["session", "--source", "stdin"], stdin: Data("800\n810\nfast\n".utf8))
        #expect(result.status != 0)
        #expect(result.stderr.contains("stdin line 3: 'fast' is not an RR interval in ms"))
    }

    @Test(.timeLimit(.minutes(1)), arguments: [
        (["--source", "bogus"], "--source bogus"), (["--profile", "sleepy"], "--profile sleepy"),
        (["--minutes", "0"], "--minutes 0"), (["--audio", "x.mp3"], "--audio x.mp3"),
        (["--fast", "--audio", "alsa:null"], "--fast cannot play to an ALSA device"),
    ])
    func wrongFlagsAreRejectedWithTheirName(_ arguments: [String], _ expected: String) throws {
        let result = try LullProcess.run(["session"] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }
}
