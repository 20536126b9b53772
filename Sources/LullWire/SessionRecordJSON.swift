// SPDX-License-Identifier: Apache-2.0
package import Assessment
import Guidance
import HRVCore
package import Session

/// The session's records as programs read them, keys in contract order: the per-beat object of
/// `lull session --json` (and the daemon's `beat` events), the summary (the last `--json` line,
/// the journal's stored summary, the daemon's `summary` events), the assessment's result.
package enum SessionRecordJSON {
    /// The per-beat fields of `--json` (also the daemon's `beat` events, which add their own).
    package static func beatFields(_ w: inout JSONWriter, _ s: SessionState, audioLUFS: Double?, palette: String? = nil) {
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
        w.field("tension", (s.target.tension * 1000).rounded() / 1000)
        if let palette { w.field("palette", palette) }
        w.field("envelope_gain", s.target.envelopeGain)
        w.field("decided_flag", s.snapshot.flag.rawValue)
        w.field("artifact_pct", s.snapshot.artifactPercent)
        w.field("hold_reason", s.target.holdReason?.rawValue)
        w.field("freeze_reason", s.target.freezeReason?.rawValue)
        w.field("audio_short_term_lufs", audioLUFS)
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
        if let reference = s.tensionReference {
            w.field("matched_tension", s.matchedTension.map { ($0 * 1000).rounded() / 1000 })
            w.field("final_tension", s.finalTension.map { ($0 * 1000).rounded() / 1000 })
            w.field("tension_reference", reference.source.rawValue)
        }
        w.beginObject("phase_s")
        for phase in GuidancePhase.allCases { w.field(phase.rawValue, s.phaseSeconds[phase.rawValue] ?? 0) }
        w.endObject()
        w.field("audio_integrated_lufs", audio.lufs)
        w.field("audio_true_peak_dbtp", audio.peak)
        w.field("audio_underruns", Int(audio.underruns))
    }

    /// The assessment's fields in a beat line: which step (an index into the final `steps`, null in
    /// the settle period), its rate, and the time left in it.
    package static func assessmentFields(_ w: inout JSONWriter, _ p: AssessmentPosition) {
        w.field("step_index", p.stepIndex)
        w.field("step_breaths_per_min", p.breathsPerMinute)
        w.field("step_left_s", (p.secondsLeft * 10).rounded() / 10)
    }

    package static func guideFields(_ w: inout JSONWriter, _ g: GuideTarget) {
        w.field("resonance_breaths_per_min", g.breathsPerMinute)
        w.field("resonance_source", g.source.rawValue)
    }

    /// The final `{"resonance": ...}` line of `lull assess --json`; also stored in the journal.
    package static func resonanceJSON(_ r: ResonanceResult) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.beginObject("resonance")
        w.field("breaths_per_min", r.breathsPerMinute)
        w.field("confidence", (r.confidence * 100).rounded() / 100)
        w.field("reason", r.reason)
        w.beginArray("steps")
        for s in r.steps {
            w.beginObject()
            w.field("breaths_per_min", s.breathsPerMinute)
            w.field("peak_trough_bpm", s.peakTroughBPM)
            w.field("lf_peak_ms2", s.lfPeakMs2)
            w.field("lf_ms2", s.lfMs2)
            w.field("peak_hz", s.peakHz)
            w.field("rmssd_ms", s.rmssdMilliseconds)
            w.field("coherence", s.coherence)
            w.field("phase_deg", s.phaseDegrees)
            w.field("artifact_pct", s.artifactPercent)
            w.field("usable", s.usable)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()
        return w.text
    }
}
