// SPDX-License-Identifier: Apache-2.0
import LullWire
import HeartSources
package import Assessment
import Foundation
import HRVCore
package import Session

extension SessionOutput {
    /// The live display of an assessment: the step, its rate, time left in it, and the heart.
    package static func assessmentLine(_ s: SessionState, _ p: AssessmentPosition, strap: String) -> String {
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "—" }
        let what: String
        if let index = p.stepIndex, let rate = p.breathsPerMinute {
            what = "step \(index + 1)/\(p.stepCount)\(p.attempt > 1 ? " again" : "")  pace \(f(rate, 1))/min"
        } else {
            what = "settle (your own pace)"
        }
        return "\(WireText.clock(s.seconds))  \(what.padding(toLength: 30, withPad: " ", startingAt: 0))"
            + "\(WireText.clock(p.secondsLeft)) left  HR \(f(s.snapshot.heartRateBPM, 1))  "
            + "RMSSD \(f(s.snapshot.rmssdMilliseconds, 1)) ms  breath \(f(s.snapshot.breathingRatePerMinute, 1))/min  "
            + "strap \(strap)"
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
