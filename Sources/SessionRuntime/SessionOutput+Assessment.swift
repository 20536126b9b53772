// SPDX-License-Identifier: Apache-2.0
package import LullWire
import HeartSources
package import Assessment
import Foundation
import HRVCore
package import Session

/// Where a session's guide aims (its resonance target), and why there.
package struct GuideTarget: Equatable {
    package enum Source: String {
        /// The client's latest resonance assessment.
        case assessment
        /// `--resonance RATE` on the command line.
        case flag
        /// The configuration's `guidance.resonance_breaths_per_minute`.
        case configuration
        /// Nothing said otherwise: 6/min.
        case `default`

        package var words: String {
            switch self {
            case .assessment: "the client's resonance assessment"
            case .flag: "--resonance"
            case .configuration: "the configuration"
            case .default: "the default"
            }
        }
    }

    package var breathsPerMinute: Double
    package var source: Source
    /// The assessment it came from.
    package var assessmentID: Int64?

    /// Assessed rates are used within these bounds (Lehrer et al. 2000 found adults between 4.5 and
    /// 6.5/min; a little room either side, never a pace that is hard to breathe).
    package static let bounds: ClosedRange<Double> = 4.0...7.0

    package init(breathsPerMinute: Double, source: Source, assessmentID: Int64? = nil) {
        self.breathsPerMinute = breathsPerMinute
        self.source = source
        self.assessmentID = assessmentID
    }
}

extension SessionOutput {
    /// The assessment's fields in a beat line: which step (an index into the final `steps`, null in
    /// the settle period), its rate, and the time left in it.
    package static func assessmentFields(_ w: inout JSONWriter, _ p: AssessmentPosition) {
        w.field("step_index", p.stepIndex)
        w.field("step_breaths_per_min", p.breathsPerMinute)
        w.field("step_left_s", (p.secondsLeft * 10).rounded() / 10)
    }

    /// The live display of an assessment: the step, its rate, time left in it, and the heart.
    package static func assessmentLine(_ s: SessionState, _ p: AssessmentPosition, strap: String) -> String {
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "—" }
        let what: String
        if let index = p.stepIndex, let rate = p.breathsPerMinute {
            what = "step \(index + 1)/\(p.stepCount)\(p.attempt > 1 ? " again" : "")  pace \(f(rate, 1))/min"
        } else {
            what = "settle (your own pace)"
        }
        return "\(clock(s.seconds))  \(what.padding(toLength: 30, withPad: " ", startingAt: 0))"
            + "\(clock(p.secondsLeft)) left  HR \(f(s.snapshot.heartRateBPM, 1))  "
            + "RMSSD \(f(s.snapshot.rmssdMilliseconds, 1)) ms  breath \(f(s.snapshot.breathingRatePerMinute, 1))/min  "
            + "strap \(strap)"
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

    /// The result in plain words, then the table.
    package static func resonanceText(_ r: ResonanceResult) -> String {
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "—" }
        var out = "\n"
        if let rate = r.breathsPerMinute {
            out += "Your pace is about \(f(rate, 1)) breaths a minute (confidence \(f(r.confidence, 2))).\n"
        } else {
            out += "No breathing pace was found.\n"
        }
        out += r.reason + "\n\n"
        out += "  pace  peak-trough   LF peak        LF  peak  RMSSD  coherence  phase  artifacts  usable\n"
        out += "  /min          bpm       ms²       ms²  /min     ms                 °          %\n"
        for s in r.steps {
            out += f(s.breathsPerMinute, 1).leftPadded(6) + f(s.peakTroughBPM, 1).leftPadded(13)
                + f(s.lfPeakMs2, 0).leftPadded(10) + f(s.lfMs2, 0).leftPadded(10)
                + f(s.peakHz.map { $0 * 60 }, 1).leftPadded(6) + f(s.rmssdMilliseconds, 1).leftPadded(7)
                + f(s.coherence, 2).leftPadded(11) + f(s.phaseDegrees, 0).leftPadded(7)
                + f(s.artifactPercent, 1).leftPadded(11) + (s.usable ? "yes" : "no").leftPadded(8) + "\n"
        }
        return out
    }
}
