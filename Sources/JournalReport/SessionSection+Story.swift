// SPDX-License-Identifier: Apache-2.0
import HRVCore
import SessionStore

extension SessionSection {
    /// A few plain sentences for the therapist: breathing, RMSSD and heart rate from the first to the
    /// last 5-minute window, time to calm, artifacts and strap gaps, and how the session ended.
    static func story(_ a: SessionAnalysis) -> String {
        var sentences: [String] = []
        switch a.session.record.outcome {
        case "interrupted":
            sentences.append(
                "The recording stopped unexpectedly at \(ReportText.clock(a.durationSeconds)); everything recorded until then is shown.")
        case JournalEventKind.endedEarly.rawValue:
            sentences.append("The session was ended early, at \(ReportText.clock(a.durationSeconds)).")
        case "running":
            sentences.append("This session is still being recorded; it is shown up to \(ReportText.clock(a.durationSeconds)).")
        default: break
        }
        if a.firstWindow != nil, a.lastWindow != nil {
            // The figures of the headline table (SessionHeadline), so the sentence and the table agree.
            let (first, last) = (a.headline.first, a.headline.last)
            var changes: [String] = []
            if let b0 = first.breathingRatePerMinute, let b1 = last.breathingRatePerMinute {
                let (x0, x1) = (ReportText.fixed(b0, 0), ReportText.fixed(b1, 0))
                if x0 == x1 {
                    changes.append("breathing stayed at about \(x0) per minute")
                } else {
                    changes.append("breathing \(b1 < b0 ? "slowed" : "quickened") from \(x0) to \(x1) per minute")
                }
            }
            if let r0 = first.rmssdMilliseconds, let r1 = last.rmssdMilliseconds, r0 > 0 {
                let percent = (r1 / r0 - 1) * 100
                let from = "(\(ReportText.fixed(r0, 0)) to \(ReportText.fixed(r1, 0)) ms)"
                if abs(percent) < 5 {
                    changes.append("RMSSD held steady \(from)")
                } else {
                    changes.append("RMSSD \(percent > 0 ? "rose" : "fell") \(ReportText.fixed(abs(percent), 0)) % \(from)")
                }
            }
            if let h0 = first.heartRateBPM, let h1 = last.heartRateBPM {
                let (x0, x1) = (ReportText.fixed(h0, 0), ReportText.fixed(h1, 0))
                changes.append(
                    x0 == x1 ? "heart rate stayed at \(x0) bpm"
                        : "heart rate \(h1 < h0 ? "fell" : "rose") from \(x0) to \(x1) bpm")
            }
            if !changes.isEmpty {
                let text = changes.joined(separator: "; ")
                sentences.append("From the first to the last 5 minutes, " + text + ".")
            }
        } else {
            sentences.append("Too short for a first-against-last comparison (it needs two full 5-minute windows).")
        }
        if let calm = a.timeToCalmSeconds {
            sentences.append(
                "Calm was reached after \(ReportText.clock(calm)) (RMSSD 30 % above and heart rate 5 bpm below the start, held for a minute).")
        } else if a.session.record.summaryJSON != nil {
            sentences.append("The calm criterion was not reached.")
        }
        if let artifacts = a.artifactPercent, artifacts >= 0.05 {
            sentences.append("\(ReportText.fixed(artifacts, 1)) % of beats were flagged as artifacts.")
        }
        if !a.gaps.isEmpty {
            let seconds = a.gaps.reduce(0) { $0 + $1.end - $1.start }
            let times = a.gaps.count == 1 ? "once" : (a.gaps.count == 2 ? "twice" : "\(a.gaps.count) times")
            sentences.append("The strap lost contact \(times) (\(ReportText.clock(seconds)) in all); the music went on.")
        }
        return sentences.joined(separator: " ")
    }
}
