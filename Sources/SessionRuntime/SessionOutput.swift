// SPDX-License-Identifier: Apache-2.0
package import LullWire
import HeartSources
import Assessment
import Foundation
import Guidance
import HRVCore
package import Session

/// What a session prints: a live display and a summary for people, or JSON lines for programs.
package struct SessionOutput {
    package let json: Bool
    package let plannedSeconds: Double
    private var nextDisplaySeconds = 0.0
    private let displayEverySeconds: Double
    package var strapState = "ok"

    package init(json: Bool, plannedSeconds: Double, paced: Bool) {
        self.json = json
        self.plannedSeconds = plannedSeconds
        displayEverySeconds = paced ? 10 : 60
    }

    /// One beat: a JSON line (flushed at once, for the lockstep protocol), or a display line now and then.
    package mutating func beat(_ s: SessionState, audioLUFS: Double?) {
        if json {
            var w = JSONWriter()
            w.beginObject()
            Self.beatFields(&w, s, audioLUFS: audioLUFS)
            w.endObject()
            Self.write(w.text)
            return
        }
        guard s.seconds >= nextDisplaySeconds else { return }
        nextDisplaySeconds = (s.seconds / displayEverySeconds).rounded(.down) * displayEverySeconds + displayEverySeconds
        if let position = s.assessment {
            Self.write(Self.assessmentLine(s, position, strap: strapState))
            return
        }
        display(s.seconds, s.target, s.snapshot)
    }

    /// The per-beat fields of `--json` (also the daemon's `beat` events, which add their own).
    package static func beatFields(_ w: inout JSONWriter, _ s: SessionState, audioLUFS: Double?) {
        w.field("t_s", (s.seconds * 1000).rounded() / 1000)
        w.field("rr_ms", s.beat.milliseconds)
        w.field("flag", s.flag.rawValue)
        w.field("hr_bpm", s.snapshot.heartRateBPM)
        w.field("rmssd_ms", s.snapshot.rmssdMilliseconds)
        w.field("breathing_rate_per_min", s.snapshot.breathingRatePerMinute)
        w.field("coherence", s.snapshot.coherence)
        w.field("phase", s.assessment?.phase.rawValue ?? s.target.phase.rawValue)
        if let position = s.assessment { assessmentFields(&w, position) }
        w.field("tempo_bpm", s.target.tempoBPM)
        w.field("loudness_lufs", s.target.loudnessLUFS)
        w.field("guide_breaths_per_min", s.target.swellBreathsPerMinute)
        w.field("swell_lu", s.target.swellDepthLU)
        w.field("brightness", s.target.brightness)
        w.field("envelope_gain", s.target.envelopeGain)
        w.field("decided_flag", s.snapshot.flag.rawValue)
        w.field("artifact_pct", s.snapshot.artifactPercent)
        w.field("hold_reason", s.target.holdReason?.rawValue)
        w.field("freeze_reason", s.target.freezeReason?.rawValue)
        w.field("audio_short_term_lufs", audioLUFS)
    }

    /// A strap event (state change) for the display; in JSON mode it goes to stderr.
    package mutating func event(_ text: String, at seconds: Double) {
        strapState = text
        let line = "\(Self.clock(seconds))  strap: \(text)"
        if json { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { Self.write(line) }
    }

    private func display(_ t: Double, _ target: MusicTarget, _ snapshot: HRVSnapshot) {
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "—" }
        let phase = target.phase.rawValue + (target.holdReason.map { " (\($0.rawValue))" } ?? "")
        Self.write(
            "\(Self.clock(t)) / \(Self.clock(plannedSeconds))  \(phase.padding(toLength: 18, withPad: " ", startingAt: 0))"
                + "HR \(f(snapshot.heartRateBPM, 1))  RMSSD \(f(snapshot.rmssdMilliseconds, 1)) ms  "
                + "breath \(f(snapshot.breathingRatePerMinute, 1))/min  coherence \(f(snapshot.coherence, 2))  "
                + "tempo \(f(target.tempoBPM, 1)) bpm  \(f(target.loudnessLUFS, 1)) LUFS  "
                + "guide \(f(target.swellBreathsPerMinute, 1))/min  strap \(strapState)")
    }

    /// The `{"summary": ...}` line of `--json`; also stored as the journal's session summary.
    package static func summaryJSON(
        _ s: SessionSummary, audio: (lufs: Double?, peak: Double?, underruns: UInt64), guide: GuideTarget? = nil
    ) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.beginObject("summary")
        summaryFields(&w, s, audio: audio)
        if let guide { guideFields(&w, guide) }
        w.endObject()
        w.endObject()
        return w.text
    }

    /// The fields of the summary object (also the daemon's `summary` events and `last_summary`).
    package static func summaryFields(
        _ w: inout JSONWriter, _ s: SessionSummary, audio: (lufs: Double?, peak: Double?, underruns: UInt64)
    ) {
        w.field("duration_s", s.durationSeconds)
        w.field("ended_early", s.endedEarly)
        w.field("beats", s.beats)
        for (key, p) in [("first_5min", s.first), ("last_5min", s.last)] {
            w.beginObject(key)
            w.field("hr_bpm", p.heartRateBPM)
            w.field("rmssd_ms", p.rmssdMilliseconds)
            w.field("breathing_rate_per_min", p.breathingRatePerMinute)
            w.field("coherence", p.coherence)
            w.endObject()
        }
        w.field("time_to_calm_s", s.timeToCalmSeconds)
        w.artifacts(s.artifacts)
        w.field("strap_gaps", s.strapGaps)
        w.field("strap_gap_s", s.strapGapSeconds)
        w.field("matched_tempo_bpm", s.matchedTempoBPM)
        w.field("final_tempo_bpm", s.finalTempoBPM)
        w.beginObject("phase_s")
        for phase in GuidancePhase.allCases { w.field(phase.rawValue, s.phaseSeconds[phase.rawValue] ?? 0) }
        w.endObject()
        w.field("audio_integrated_lufs", audio.lufs)
        w.field("audio_true_peak_dbtp", audio.peak)
        w.field("audio_underruns", Int(audio.underruns))
    }

    package func summary(
        _ s: SessionSummary, audio: (lufs: Double?, peak: Double?, underruns: UInt64), guide: GuideTarget? = nil
    ) {
        if json {
            Self.write(Self.summaryJSON(s, audio: audio, guide: guide))
            return
        }
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "—" }
        var out = "\nSession \(s.endedEarly ? "ended early" : "complete"): \(Self.clock(s.durationSeconds)), \(s.beats) beats\n"
        out += "                   first 5 min   last 5 min\n"
        let rows: [(String, Double?, Double?, Int)] = [
            ("heart rate (bpm)", s.first.heartRateBPM, s.last.heartRateBPM, 1),
            ("RMSSD (ms)", s.first.rmssdMilliseconds, s.last.rmssdMilliseconds, 1),
            ("breathing (/min)", s.first.breathingRatePerMinute, s.last.breathingRatePerMinute, 1),
            ("coherence", s.first.coherence, s.last.coherence, 2),
        ]
        for (name, a, b, d) in rows {
            out += name.padding(toLength: 19, withPad: " ", startingAt: 0)
                + f(a, d).leftPadded(11) + f(b, d).leftPadded(13) + "\n"
        }
        out += "time to calm:      \(s.timeToCalmSeconds.map { Self.clock($0) } ?? "not reached")\n"
        out += "artifacts:         \(s.artifacts.flagged) beats (\(f(s.artifacts.percent, 1)) %)\n"
        out += "strap gaps:        \(s.strapGaps) (\(f(s.strapGapSeconds, 0)) s)\n"
        out += "tempo:             \(f(s.matchedTempoBPM, 1)) -> \(f(s.finalTempoBPM, 1)) bpm\n"
        if let lufs = audio.lufs, lufs.isFinite {
            out += "audio:             \(f(lufs, 1)) LUFS integrated, \(f(audio.peak, 1)) dBTP peak, \(audio.underruns) underruns\n"
        }
        if let guide { out += "guide target:      \(f(guide.breathsPerMinute, 1)) /min (\(guide.source.words))\n" }
        Self.write(out)
    }

    /// Writes one line to stdout unbuffered, so a program in lockstep sees it at once.
    package static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    package static func clock(_ seconds: Double) -> String { WireText.clock(seconds) }
}

extension String {
    package func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
