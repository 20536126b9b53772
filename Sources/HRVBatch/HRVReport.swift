// SPDX-License-Identifier: Apache-2.0
package import LullWire
package import HRVCore

/// What `lull hrv` prints: a readable table, or JSON with the reference tool's key names.
package struct HRVReport {
    package typealias Analysis = (whole: HRVWindowResult, windows: [HRVWindowResult])
    package var file: String
    package var windowSeconds: Double
    package var stepSeconds: Double
    package var beats: Int
    package var raw: Analysis
    package var corrected: Analysis

    // MARK: JSON

    /// `{"file", "window_s", "step_s", "n_rr", "whole": {"raw", "corrected"}, "windows": [{"index",
    /// "t_start_s", "t_end_s", "partial", "raw", "corrected"}]}`; each block holds n_rr,
    /// first_rr_index, last_rr_index, mean_rr_ms, mean_hr_bpm, sdnn_ms, rmssd_ms, pnn50_pct (N-1
    /// denominator), sd1_ms, sd2_ms, lf_ms2, hf_ms2, lf_hf, coherence, breathing_rate_per_min,
    /// artifacts {ectopic, missed, extra, long_short, no_contact} and artifact_pct.
    ///
    /// Hands the JSON to `write` piece by piece (with a final newline): the head up to the windows
    /// array, `windowParts` (consecutive runs of windows from `windowsJSON`, written on other
    /// threads) with commas between them, and the end. A day at a 10 s step is about 10 MB, so
    /// the parts are not joined into one buffer first.
    package func writeJSON<E: Error>(
        windowParts: [JSONWriter], to write: (UnsafeBufferPointer<UInt8>) throws(E) -> Void
    ) throws(E) {
        var w = JSONWriter()
        w.beginObject()
        w.field("file", file)
        w.field("window_s", windowSeconds)
        w.field("step_s", stepSeconds)
        w.field("n_rr", beats)
        w.field("pnn50_denominator", "N-1")
        w.field("artifact_method", "Lipponen & Tarvainen 2019 (Kubios); thresholds over 91 centred beats; up to 3 passes")
        w.beginObject("whole")
        Self.block(&w, "raw", raw.whole, artifacts: raw.whole.artifacts)
        Self.block(&w, "corrected", corrected.whole, artifacts: raw.whole.artifacts)
        w.endObject()
        w.beginArray("windows")
        let headCount = w.bytes.count
        w.endArray()
        w.endObject()
        let separator: [UInt8] = [UInt8(ascii: ",")]
        let tail = Array(w.bytes[headCount...]) + [UInt8(ascii: "\n")]
        try w.bytes.withUnsafeBufferPointer { bytes throws(E) in try write(UnsafeBufferPointer(rebasing: bytes[..<headCount])) }
        var first = true
        for part in windowParts where !part.bytes.isEmpty {
            if !first { try separator.withUnsafeBufferPointer { bytes throws(E) in try write(bytes) } }
            first = false
            try part.bytes.withUnsafeBufferPointer { bytes throws(E) in try write(bytes) }
        }
        try tail.withUnsafeBufferPointer { bytes throws(E) in try write(bytes) }
    }

    /// Raw windows, each with the corrected window of the same index when there is one, as
    /// comma-separated JSON objects (both lists in index order).
    package static func windowsJSON(raw: [HRVWindowResult], corrected: [HRVWindowResult]) -> JSONWriter {
        var w = JSONWriter()
        w.reserveCapacity(raw.count * 1_300)  // about what one window's two blocks take
        var c = 0
        for r in raw {
            w.beginObject()
            w.field("index", r.index)
            w.field("t_start_s", r.startSeconds)
            w.field("t_end_s", r.endSeconds)
            w.field("partial", r.partial)
            block(&w, "raw", r, artifacts: r.artifacts)
            while c < corrected.count && corrected[c].index < r.index { c += 1 }
            if c < corrected.count && corrected[c].index == r.index {
                block(&w, "corrected", corrected[c], artifacts: r.artifacts)
            }
            w.endObject()
        }
        return w
    }

    private static func block(_ w: inout JSONWriter, _ key: String, _ r: HRVWindowResult, artifacts: ArtifactCounts) {
        w.beginObject(key)
        w.field("n_rr", r.intervalCount)
        w.field("first_rr_index", r.firstIntervalIndex)
        w.field("last_rr_index", r.lastIntervalIndex)
        let t = r.timeDomain
        w.field("mean_rr_ms", t?.meanRRMilliseconds)
        w.field("mean_hr_bpm", t?.meanHeartRateBPM)
        w.field("sdnn_ms", t?.sdnnMilliseconds)
        w.field("rmssd_ms", t?.rmssdMilliseconds)
        w.field("pnn50_pct", t?.pnn50Percent)
        w.field("sd1_ms", t?.sd1Milliseconds)
        w.field("sd2_ms", t?.sd2Milliseconds)
        w.field("lf_ms2", r.frequencyDomain?.lfMs2)
        w.field("hf_ms2", r.frequencyDomain?.hfMs2)
        w.field("lf_hf", r.frequencyDomain?.lfHF)
        w.field("coherence", r.coherence)
        w.field("breathing_rate_per_min", r.breathingRatePerMinute)
        w.artifacts(artifacts)
        w.endObject()
    }

    // MARK: Table

    package func table() -> String {
        let whole = corrected.whole
        let minutes = (raw.whole.endSeconds / 60)
        var out = "\(file): \(beats) beats, \(fmt(minutes, 1)) min, \(raw.whole.artifacts.flagged) flagged "
        out += "(\(fmt(raw.whole.artifacts.percent, 1)) %: \(raw.whole.artifacts.ectopic) ectopic, "
        out += "\(raw.whole.artifacts.missed) missed, \(raw.whole.artifacts.extra) extra, "
        out += "\(raw.whole.artifacts.longShort) long/short)\n"
        out += "Corrected series; windows of \(fmt(windowSeconds, 0)) s every \(fmt(stepSeconds, 0)) s.\n\n"
        let header = ["window", "beats", "HR", "RMSSD", "SDNN", "pNN50", "SD1", "SD2", "LF", "HF", "LF/HF", "coher.", "breaths", "artif."]
        let units = ["", "", "bpm", "ms", "ms", "%", "ms", "ms", "ms²", "ms²", "", "", "/min", "%"]
        var rows: [[String]] = [header, units]
        func row(_ label: String, _ r: HRVWindowResult, _ artifacts: ArtifactCounts) -> [String] {
            let t = r.timeDomain
            return [
                label, "\(r.intervalCount)", fmt(t?.meanHeartRateBPM, 1), fmt(t?.rmssdMilliseconds, 1),
                fmt(t?.sdnnMilliseconds, 1), fmt(t?.pnn50Percent, 1), fmt(t?.sd1Milliseconds, 1),
                fmt(t?.sd2Milliseconds, 1), fmt(r.frequencyDomain?.lfMs2, 0), fmt(r.frequencyDomain?.hfMs2, 0),
                fmt(r.frequencyDomain?.lfHF, 2), fmt(r.coherence, 2), fmt(r.breathingRatePerMinute, 1),
                fmt(artifacts.percent, 1),
            ]
        }
        var rawByIndex: [Int: HRVWindowResult] = [:]
        for r in raw.windows { rawByIndex[r.index] = r }
        for c in corrected.windows {
            let label = "\(clock(c.startSeconds))-\(clock(c.endSeconds))\(c.partial ? "*" : "")"
            rows.append(row(label, c, rawByIndex[c.index]?.artifacts ?? c.artifacts))
        }
        rows.append(row("whole", whole, raw.whole.artifacts))
        var widths = [Int](repeating: 0, count: header.count)
        for r in rows { for (i, cell) in r.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for (n, r) in rows.enumerated() {
            if n == rows.count - 1 { out += String(repeating: "-", count: widths.reduce(0, +) + 2 * widths.count) + "\n" }
            out += r.enumerated().map { i, cell in
                i == 0 ? cell + String(repeating: " ", count: widths[i] - cell.count)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ") + "\n"
        }
        if corrected.windows.contains(where: \.partial) { out += "* partial window (at least 90 % of the width)\n" }
        out += "— no value: too little data for that metric.\n"
        return out
    }

    private func fmt(_ v: Double?, _ digits: Int) -> String {
        guard let v, v.isFinite else { return "—" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (v * scale).rounded() / scale
        if digits == 0 { return String(Int(r)) }
        var s = "\(r)"
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        }
        return s
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        let h = s / 3600
        let m = (s % 3600) / 60
        let sec = s % 60
        let mm = m < 10 ? "0\(m)" : "\(m)"
        let ss = sec < 10 ? "0\(sec)" : "\(sec)"
        return h > 0 ? "\(h):\(mm):\(ss)" : "\(m):\(ss)"
    }
}
