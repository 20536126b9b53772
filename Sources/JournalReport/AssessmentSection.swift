// SPDX-License-Identifier: Apache-2.0
import SessionStore

/// A client's resonance assessments in the report: the latest one (a bar chart of heart-rate
/// amplitude per paced step with the chosen step marked, the table of every step's measures, the
/// choice and its reason) and the history of their assessed rates.
struct AssessmentSection {
    let client: String?
    /// Oldest first; at least one.
    let assessments: [StoredAssessment]
    /// "2026-11-22 09:40" for a stored UTC time.
    let localText: (String) -> String

    func html() -> String {
        guard let latest = assessments.last else { return "" }
        let name = ReportText.escape(client ?? "no client")
        var out = "<section class=\"assessment\"><h2>Breathing pace · \(name)</h2>"
        out += "<p class=\"when\">Resonance assessment of \(ReportText.escape(localText(latest.startedAt)))</p>"
        if let rate = latest.breathsPerMinute {
            out += "<p class=\"story\"><b>Their pace is about \(ReportText.fixed(rate, 1)) breaths a minute</b> "
            out += "(confidence \(ReportText.fixed(latest.confidence, 2))). \(ReportText.escape(latest.reason))</p>"
        } else {
            out += "<p class=\"story\"><b>No pace was found.</b> \(ReportText.escape(latest.reason))</p>"
        }
        out += "<div class=\"session-body\"><div class=\"charts\">\(amplitudeChart(latest))</div>"
        out += stepTable(latest) + "</div>"
        if assessments.count > 1 { out += history() }
        out += "</section>"
        return out
    }

    /// Bars of peak-to-trough heart rate per step, the chosen step darker, unusable steps hatched grey.
    func amplitudeChart(_ a: StoredAssessment) -> String {
        let width = 640.0
        let height = 220.0
        let left = 52.0
        let bottom = 34.0
        let top = 24.0
        let values = a.steps.map { $0.peakTroughBPM ?? 0 }
        let high = max(1, (values.max() ?? 1) * 1.15)
        let slot = (width - left - 10) / Double(max(1, a.steps.count))
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
        svg += "aria-label=\"heart-rate amplitude per paced step\">"
        svg += "<text class=\"chart-title\" x=\"\(Int(left))\" y=\"14\">Heart-rate swing per breath "
        svg += "<tspan class=\"unit\">bpm, peak to trough</tspan></text>"
        let plotHeight = height - top - bottom
        for tick in stride(from: 0.0, through: high, by: max(1, (high / 4).rounded(.up))) {
            let y = top + plotHeight * (1 - tick / high)
            svg += "<line class=\"grid\" x1=\"\(Int(left))\" x2=\"\(Int(width - 10))\" y1=\"\(ReportText.fixed(y, 1))\" "
            svg += "y2=\"\(ReportText.fixed(y, 1))\"/><text class=\"axis\" x=\"\(Int(left - 6))\" "
            svg += "y=\"\(ReportText.fixed(y + 3, 1))\" text-anchor=\"end\">\(ReportText.fixed(tick, 0))</text>"
        }
        for (i, step) in a.steps.enumerated() {
            let x = left + slot * Double(i) + slot * 0.2
            let barHeight = plotHeight * (step.peakTroughBPM ?? 0) / high
            let chosen = a.breathsPerMinute == step.breathsPerMinute
            let kind = !step.usable ? "bar-unusable" : chosen ? "bar-chosen" : "bar"
            svg += "<rect class=\"\(kind)\" x=\"\(ReportText.fixed(x, 1))\" y=\"\(ReportText.fixed(top + plotHeight - barHeight, 1))\" "
            svg += "width=\"\(ReportText.fixed(slot * 0.6, 1))\" height=\"\(ReportText.fixed(barHeight, 1))\"/>"
            svg += "<text class=\"axis\" x=\"\(ReportText.fixed(x + slot * 0.3, 1))\" y=\"\(Int(height - bottom + 14))\" "
            svg += "text-anchor=\"middle\">\(ReportText.fixed(step.breathsPerMinute, 1))/min\(step.usable ? "" : " ✗")</text>"
        }
        svg += "<text class=\"axis\" x=\"\(Int(left))\" y=\"\(Int(height - 4))\">paced breathing rate, in the order breathed; "
        svg += "the chosen pace darker, ✗ too little clean data</text></svg>"
        return svg
    }

    func stepTable(_ a: StoredAssessment) -> String {
        var out = "<table class=\"windows steps\"><thead><tr><th>pace <span class=\"unit\">/min</span></th>"
        out += "<th>peak–trough <span class=\"unit\">bpm</span></th><th>LF peak <span class=\"unit\">ms²</span></th>"
        out += "<th>LF <span class=\"unit\">ms²</span></th><th>peak <span class=\"unit\">/min</span></th>"
        out += "<th>RMSSD <span class=\"unit\">ms</span></th><th>coherence</th><th>phase <span class=\"unit\">°</span></th>"
        out += "<th>artifacts <span class=\"unit\">%</span></th><th>usable</th></tr></thead><tbody>"
        for s in a.steps {
            let chosen = a.breathsPerMinute == s.breathsPerMinute
            out += chosen ? "<tr class=\"chosen\">" : "<tr>"
            out += "<td>\(ReportText.fixed(s.breathsPerMinute, 1))\(chosen ? " ◀" : "")</td>"
            out += "<td>\(ReportText.fixed(s.peakTroughBPM, 1))</td><td>\(ReportText.fixed(s.lfPeakMs2, 0))</td>"
            out += "<td>\(ReportText.fixed(s.lfMs2, 0))</td><td>\(ReportText.fixed(s.peakHz.map { $0 * 60 }, 1))</td>"
            out += "<td>\(ReportText.fixed(s.rmssdMilliseconds, 1))</td><td>\(ReportText.fixed(s.coherence, 2))</td>"
            out += "<td>\(ReportText.fixed(s.phaseDegrees, 0))</td><td>\(ReportText.fixed(s.artifactPercent, 1))</td>"
            out += "<td>\(s.usable ? "yes" : "no")</td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// Every assessment of the client, oldest first, with its rate.
    func history() -> String {
        var out = "<h3>Assessed paces</h3><table class=\"history\"><thead><tr><th>date</th>"
        out += "<th>pace <span class=\"unit\">/min</span></th><th>confidence</th></tr></thead><tbody>"
        for a in assessments {
            out += "<tr><td>\(ReportText.escape(localText(a.startedAt)))</td>"
            out += "<td>\(a.breathsPerMinute.map { ReportText.fixed($0, 1) } ?? "none")</td>"
            out += "<td>\(ReportText.fixed(a.confidence, 2))</td></tr>"
        }
        return out + "</tbody></table>"
    }

    static let css = """
        .bar{fill:#9cc3b4}.bar-chosen{fill:#3b8b6e}.bar-unusable{fill:#d1d5db}
        .steps tr.chosen td{font-weight:600}
        .history td:first-child{text-align:left}
        """
}
