// SPDX-License-Identifier: Apache-2.0

/// One small line chart as inline SVG: vertical bands (phases, strap gaps), an optional horizontal
/// band (a normal range), lines with breaks where a value is unknown, optional dots, and ticks along
/// the bottom (artifacts). Colours come from the page's CSS classes, so the charts print with it.
struct SVGChart {
    struct Series {
        var points: [(x: Double, y: Double?)]
        var cssClass: String
        var dots = false
    }

    var title: String
    var unit: String
    var xRange: ClosedRange<Double>
    var xLabels: [(x: Double, text: String)] = []
    var verticalBands: [(from: Double, to: Double, cssClass: String, label: String)] = []
    var horizontalBand: (low: Double, high: Double, label: String)?
    var series: [Series] = []
    var ticks: [Double] = []
    var tickLabel = ""
    var width = 640.0
    var height = 124.0
    let left = 52.0
    let right = 22.0
    let top = 20.0
    let bottom = 20.0

    /// The y range: every value and the band, padded by 8 %, never flat.
    func yRange() -> (low: Double, high: Double) {
        var low = Double.infinity
        var high = -Double.infinity
        for s in series { for p in s.points { if let y = p.y { low = min(low, y); high = max(high, y) } } }
        if let band = horizontalBand { low = min(low, band.low); high = max(high, band.high) }
        guard low.isFinite, high.isFinite else { return (0, 1) }
        if high - low < 1e-9 { return (low - 1, high + 1) }
        let pad = (high - low) * 0.08
        return (low - pad, high + pad)
    }

    /// Round steps of 1, 2 or 5 × 10^k giving about three ticks.
    static func yTickSteps(low: Double, high: Double) -> (ticks: [Double], step: Double) {
        let raw = (high - low) / 3
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        var ticks: [Double] = []
        var v = (low / step).rounded(.up) * step
        while v <= high + 1e-9 {
            ticks.append(v)
            v += step
        }
        return (ticks, step)
    }

    func svg() -> String {
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let (yLow, yHigh) = yRange()
        let xSpan = max(xRange.upperBound - xRange.lowerBound, 1e-9)
        func x(_ v: Double) -> String { ReportText.fixed(left + (v - xRange.lowerBound) / xSpan * plotWidth, 1) }
        func y(_ v: Double) -> String { ReportText.fixed(top + (yHigh - v) / (yHigh - yLow) * plotHeight, 1) }
        let name = ReportText.escape(title)
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
        out += "aria-label=\"\(name)\"><title>\(name)</title>"
        out += "<text class=\"chart-title\" x=\"\(Int(left))\" y=\"13\">\(name)"
        if !unit.isEmpty { out += " <tspan class=\"unit\">\(ReportText.escape(unit))</tspan>" }
        out += "</text>"
        let plotTop = ReportText.fixed(top, 1)
        let plotBottom = ReportText.fixed(top + plotHeight, 1)
        for band in verticalBands {
            let from = max(band.from, xRange.lowerBound)
            let to = min(band.to, xRange.upperBound)
            guard to > from else { continue }
            let widthText = ReportText.fixed((to - from) / xSpan * plotWidth, 1)
            out += "<rect class=\"\(band.cssClass)\" x=\"\(x(from))\" y=\"\(plotTop)\" width=\"\(widthText)\" "
            out += "height=\"\(ReportText.fixed(plotHeight, 1))\"><title>\(ReportText.escape(band.label))</title></rect>"
        }
        if let band = horizontalBand {
            let y0 = top + (yHigh - band.high) / (yHigh - yLow) * plotHeight
            let y1 = top + (yHigh - band.low) / (yHigh - yLow) * plotHeight
            out += "<rect class=\"normal-range\" x=\"\(ReportText.fixed(left, 1))\" y=\"\(ReportText.fixed(y0, 1))\" "
            out += "width=\"\(ReportText.fixed(plotWidth, 1))\" height=\"\(ReportText.fixed(max(y1 - y0, 0.5), 1))\">"
            out += "<title>\(ReportText.escape(band.label))</title></rect>"
        }
        let (yTicks, yStep) = Self.yTickSteps(low: yLow, high: yHigh)
        // As many decimals as the step needs: 80, 2.5, 0.25.
        let digits = yStep >= 0.999 ? 0 : (yStep >= 0.0999 ? 1 : 2)
        for t in yTicks {
            out += "<line class=\"grid\" x1=\"\(ReportText.fixed(left, 1))\" x2=\"\(ReportText.fixed(width - right, 1))\" "
            out += "y1=\"\(y(t))\" y2=\"\(y(t))\"/>"
            out += "<text class=\"axis\" x=\"\(ReportText.fixed(left - 4, 1))\" y=\"\(y(t))\" text-anchor=\"end\" "
            out += "dominant-baseline=\"middle\">\(ReportText.fixed(t, digits))</text>"
        }
        for label in xLabels {
            out += "<text class=\"axis\" x=\"\(x(label.x))\" y=\"\(ReportText.fixed(height - 5, 1))\" "
            out += "text-anchor=\"middle\">\(ReportText.escape(label.text))</text>"
        }
        for s in series {
            var path = ""
            var pen = false
            for p in s.points {
                guard let v = p.y, v.isFinite else {
                    pen = false
                    continue
                }
                path += "\(pen ? "L" : "M")\(x(p.x)) \(y(v))"
                pen = true
            }
            if !path.isEmpty { out += "<path class=\"\(s.cssClass)\" d=\"\(path)\"/>" }
            if s.dots {
                for p in s.points {
                    guard let v = p.y, v.isFinite else { continue }
                    out += "<circle class=\"\(s.cssClass)-dot\" cx=\"\(x(p.x))\" cy=\"\(y(v))\" r=\"2.6\"/>"
                }
            }
        }
        if !ticks.isEmpty {
            var path = ""
            let y0 = ReportText.fixed(top + plotHeight - 6, 1)
            for t in ticks where xRange.contains(t) { path += "M\(x(t)) \(y0)V\(plotBottom)" }
            out += "<path class=\"artifact\" d=\"\(path)\"><title>\(ReportText.escape(tickLabel))</title></path>"
        }
        out += "<rect class=\"frame\" x=\"\(ReportText.fixed(left, 1))\" y=\"\(plotTop)\" "
        out += "width=\"\(ReportText.fixed(plotWidth, 1))\" height=\"\(ReportText.fixed(plotHeight, 1))\"/>"
        out += "</svg>"
        return out
    }
}
