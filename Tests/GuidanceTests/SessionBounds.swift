// SPDX-License-Identifier: Apache-2.0
import Guidance

/// Checks a run's outputs against the therapist's bounds from the rows alone (as a checker of the
/// `--json` lines would), never from the controller's own state.
struct SessionBounds {
    var configuration: GuidanceConfiguration = .default
    /// Floating-point slack on rate checks.
    var tolerance = 1e-9

    /// The highest tempo of the audible match phase: the matched start.
    static func matchedStartTempoBPM(_ rows: [SessionRow]) -> Double? {
        rows.filter { $0.target.phase == .match && $0.target.envelopeGain > 0 }.map(\.target.tempoBPM).max()
    }

    /// Every violation, as readable strings (empty when all bounds hold).
    func violations(_ rows: [SessionRow]) -> [String] {
        let c = configuration
        var found: [String] = []
        let floor = Self.matchedStartTempoBPM(rows).map { $0 * (1 - c.maxTempoDropFraction) }
        for (previous, row) in zip(rows, rows.dropFirst()) {
            let minutes = (row.seconds - previous.seconds) / 60
            let a = previous.target
            let b = row.target
            let at = "t=\(row.seconds)"
            if a.envelopeGain > 0, abs(b.tempoBPM - a.tempoBPM) > c.maxTempoSlewBPMPerMinute * minutes + tolerance {
                found.append("\(at) tempo \(a.tempoBPM) -> \(b.tempoBPM)")
            }
            if abs(b.loudnessLUFS - a.loudnessLUFS) > c.maxLoudnessSlewLUPerMinute * minutes + tolerance {
                found.append("\(at) loudness \(a.loudnessLUFS) -> \(b.loudnessLUFS)")
            }
            if a.swellDepthLU > 0,
                abs(b.swellBreathsPerMinute - a.swellBreathsPerMinute)
                    > c.maxGuideSlewBreathsPerMinutePerMinute * minutes + tolerance
            {
                found.append("\(at) guide \(a.swellBreathsPerMinute) -> \(b.swellBreathsPerMinute)")
            }
            if a.envelopeGain > 0, abs(b.tension - a.tension) > c.maxTensionSlewPerMinute * minutes + tolerance {
                found.append("\(at) tension \(a.tension) -> \(b.tension)")
            }
        }
        for row in rows {
            let t = row.target
            if t.peakLoudnessLUFS > c.ceilingLoudnessLUFS + tolerance {
                found.append("t=\(row.seconds) peak \(t.peakLoudnessLUFS)")
            }
            if let floor, t.envelopeGain > 0, t.tempoBPM < floor - tolerance {
                found.append("t=\(row.seconds) tempo \(t.tempoBPM) below \(floor)")
            }
            if !(0...1).contains(t.brightness) || !(0...1).contains(t.envelopeGain) || !(0...1).contains(t.tension) {
                found.append("t=\(row.seconds) brightness \(t.brightness) envelope \(t.envelopeGain)")
            }
        }
        return found
    }
}
