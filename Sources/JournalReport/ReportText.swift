// SPDX-License-Identifier: Apache-2.0

/// Text helpers of the report: HTML escaping and fixed-point numbers.
enum ReportText {
    /// Escapes text for HTML content and quoted attribute values (client names are user input).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// `v` with `digits` decimals (0...3), half away from zero; "—" for nil or not finite. Integer
    /// arithmetic: a 30-session report formats about 10^5 chart coordinates, where `String(format:)`
    /// would cost a good part of the report's 1-second budget.
    static func fixed(_ v: Double?, _ digits: Int) -> String {
        guard let v, v.isFinite, abs(v) < 1e15 else { return "—" }
        let scale = [1.0, 10, 100, 1000][min(max(digits, 0), 3)]
        let scaled = Int64((abs(v) * scale).rounded())
        let negative = v < 0 && scaled != 0
        let whole = scaled / Int64(scale)
        var text = negative ? "-\(whole)" : "\(whole)"
        if digits > 0 {
            let fraction = String(scaled % Int64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// "12:05" (minutes:seconds) or "1:02:05".
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60)
        let ss = sec < 10 ? "0\(sec)" : "\(sec)"
        if h > 0 { return "\(h):\(m < 10 ? "0\(m)" : "\(m)"):\(ss)" }
        return "\(m):\(ss)"
    }
}
