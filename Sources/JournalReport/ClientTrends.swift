// SPDX-License-Identifier: Apache-2.0
import Foundation
import HRVCore

/// One client's sessions side by side: resting values at each session's start, the change within
/// each session, and time to calm, over the client's own normal range.
struct ClientTrends {
    /// Days of history the normal range is taken over, counted back from the newest session
    /// (HRV4Training's baseline: mean ± 1 SD of the client's own recent values).
    static let normalRangeDays = 60.0
    /// Fewer values than this give no range: an SD of one or two points says nothing.
    static let normalRangeMinimumSessions = 3

    let client: String?
    /// Oldest first, with each session's start.
    let sessions: [(analysis: SessionAnalysis, started: Date, label: String)]

    struct Metric: Sendable {
        var title: String
        var unit: String
        var digits: Int
        var value: @Sendable (SessionAnalysis) -> Double?
    }

    static let resting: [Metric] = [
        Metric(title: "Resting heart rate", unit: "bpm", digits: 1) { $0.restingWindow?.timeDomain?.meanHeartRateBPM },
        Metric(title: "Resting RMSSD", unit: "ms", digits: 1) { $0.restingWindow?.timeDomain?.rmssdMilliseconds },
        Metric(title: "Resting breathing rate", unit: "/min", digits: 1) { $0.restingWindow?.breathingRatePerMinute },
    ]

    static let changes: [Metric] = [
        Metric(title: "RMSSD change within the session", unit: "%", digits: 0) { a in
            guard let r0 = a.firstWindow?.timeDomain?.rmssdMilliseconds,
                let r1 = a.lastWindow?.timeDomain?.rmssdMilliseconds, r0 > 0
            else { return nil }
            return (r1 / r0 - 1) * 100
        },
        Metric(title: "Heart-rate change within the session", unit: "bpm", digits: 1) { a in
            guard let h0 = a.firstWindow?.timeDomain?.meanHeartRateBPM,
                let h1 = a.lastWindow?.timeDomain?.meanHeartRateBPM
            else { return nil }
            return h1 - h0
        },
        Metric(title: "Breathing-rate change within the session", unit: "/min", digits: 1) { a in
            guard let b0 = a.firstWindow?.breathingRatePerMinute, let b1 = a.lastWindow?.breathingRatePerMinute
            else { return nil }
            return b1 - b0
        },
        Metric(title: "Time to calm", unit: "min", digits: 1) { $0.timeToCalmSeconds.map { $0 / 60 } },
    ]

    /// Mean ± 1 SD (sample) of the values from the last `normalRangeDays` before the newest session.
    func normalRange(_ metric: Metric) -> (low: Double, high: Double, mean: Double, count: Int)? {
        guard let newest = sessions.last?.started else { return nil }
        let since = newest.addingTimeInterval(-Self.normalRangeDays * 86_400)
        let values = sessions.filter { $0.started >= since }.compactMap { metric.value($0.analysis) }
        guard values.count >= Self.normalRangeMinimumSessions else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        let sd = variance.squareRoot()
        return (mean - sd, mean + sd, mean, values.count)
    }

    func html() -> String {
        let name = client.map(ReportText.escape) ?? "sessions without a client name"
        var out = "<section class=\"trends\"><h2>Across sessions · \(name)</h2>"
        out += "<p class=\"story\">\(sessions.count) sessions from \(ReportText.escape(sessions.first?.label ?? "")) "
        out += "to \(ReportText.escape(sessions.last?.label ?? "")). Shaded: the client's own normal range, "
        out += "mean ± 1 SD of the last \(Int(Self.normalRangeDays)) days (from \(Self.normalRangeMinimumSessions) sessions on).</p>"
        out += "<h3>At the start of each session (first 5 minutes)</h3><div class=\"trend-grid\">"
        for metric in Self.resting { out += figure(metric) }
        out += "</div><h3>Change within each session (last 5 minutes against the first)</h3><div class=\"trend-grid\">"
        for metric in Self.changes { out += figure(metric) }
        out += "</div></section>"
        return out
    }

    private func figure(_ metric: Metric) -> String {
        let points: [(x: Double, y: Double?)] = sessions.enumerated().map { (Double($0.offset), metric.value($0.element.analysis)) }
        let labelEvery = max(1, sessions.count / 6)
        let labels: [(x: Double, text: String)] = sessions.enumerated().compactMap { i, s in
            // "11-22" (month-day): a full date per label would overlap at the width of a trend chart.
            i % labelEvery == 0 ? (Double(i), String(s.label.dropFirst(5).prefix(5))) : nil
        }
        var chart = SVGChart(
            title: metric.title, unit: metric.unit, xRange: -0.5...(Double(max(sessions.count, 1)) - 0.5),
            xLabels: labels, series: [.init(points: points, cssClass: "line-trend", dots: true)])
        chart.width = 420
        chart.height = 140
        var caption = ""
        if let range = normalRange(metric) {
            chart.horizontalBand = (
                range.low, range.high,
                "normal range \(ReportText.fixed(range.low, metric.digits))–\(ReportText.fixed(range.high, metric.digits)) \(metric.unit)"
            )
            caption =
                "normal \(ReportText.fixed(range.low, metric.digits))–\(ReportText.fixed(range.high, metric.digits)) \(metric.unit) · "
        }
        let latest = points.last?.y
        caption += "latest \(ReportText.fixed(latest, metric.digits)) \(metric.unit)"
        return "<figure>\(chart.svg())<figcaption>\(ReportText.escape(caption))</figcaption></figure>"
    }
}
