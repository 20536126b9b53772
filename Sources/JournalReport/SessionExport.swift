// SPDX-License-Identifier: Apache-2.0
public import SessionStore

/// A recorded session as a file for the therapist's own tools. Numbers are written in Swift's
/// shortest round-trip form, so reading a file back gives exactly the stored values.
public enum SessionExport {
    public enum Format: String, CaseIterable, Sendable {
        /// Kubios HRV's RR text: a header line, then beat time (s) and RR (ms) per line.
        case kubios
        /// Every beat with its flag and contact.
        case csv
        /// The whole session: its row, summary, beats, snapshots, music and events.
        case json
    }

    public static func text(_ session: StoredSession, format: Format) -> String {
        switch format {
        case .kubios: kubios(session)
        case .csv: csv(session)
        case .json: json(session)
        }
    }

    /// Kubios HRV reads two columns (time, RR) after a header (Kubios HRV User's Guide, "RR interval
    /// data" text files); `lull hrv` reads this back. Every recorded beat, artifacts included: the
    /// reading tool corrects them with the same method.
    static func kubios(_ s: StoredSession) -> String {
        var out = "# Lull session \(s.record.id)"
        if let client = s.record.client { out += ", client \(oneLine(client))" }
        out += ", started \(s.record.startedAt), \(s.beats.count) beats\n"
        out += "Time (s)\tRR (ms)\n"
        for b in s.beats { out += "\(b.seconds)\t\(b.rrMilliseconds)\n" }
        return out
    }

    /// `t_s,rr_ms,flag,contact,decided`: flag is the artifact filter's verdict when decided is 1, the
    /// verdict known on arrival when 0, and decided is empty for beats recorded before verdicts were.
    static func csv(_ s: StoredSession) -> String {
        var out = "t_s,rr_ms,flag,contact,decided\n"
        for b in s.beats {
            let decided = b.decided.map { $0 ? "1" : "0" } ?? ""
            out += "\(b.seconds),\(b.rrMilliseconds),\(b.flag),\(b.contact ? 1 : 0),\(decided)\n"
        }
        return out
    }

    /// `{"session": {...}, "settings": {...}, "summary": {...}|null, "beats": [...], "snapshots": [...],
    /// "music": [...], "events": [...]}` with the journal's column names as keys.
    static func json(_ s: StoredSession) -> String {
        let r = s.record
        var out = "{\"session\":{\"id\":\(r.id),\"client\":\(string(r.client)),\"started_at\":\(string(r.startedAt))"
        out += ",\"ended_at\":\(string(r.endedAt)),\"source\":\(string(r.source)),\"strap\":\(string(r.strap))"
        out += ",\"outcome\":\(string(r.outcome))}"
        // Settings and summary are JSON already (written by Lull); embedded as they are.
        out += ",\n\"settings\":\(r.settingsJSON.isEmpty ? "null" : r.settingsJSON)"
        out += ",\n\"summary\":\(r.summaryJSON.map(unwrapSummary) ?? "null")"
        out += array("beats", s.beats) { b in
            "{\"t_s\":\(number(b.seconds)),\"rr_ms\":\(number(b.rrMilliseconds)),\"flag\":\(string(b.flag))"
                + ",\"contact\":\(b.contact),\"decided\":\(b.decided.map { "\($0)" } ?? "null")}"
        }
        out += array("snapshots", s.snapshots) { p in
            "{\"t_s\":\(number(p.seconds)),\"hr_bpm\":\(number(p.heartRateBPM))"
                + ",\"rmssd_ms\":\(number(p.rmssdMilliseconds)),\"sdnn_ms\":\(number(p.sdnnMilliseconds))"
                + ",\"breathing_rate_per_min\":\(number(p.breathingRatePerMinute)),\"coherence\":\(number(p.coherence))"
                + ",\"lf_ms2\":\(number(p.lfMs2)),\"hf_ms2\":\(number(p.hfMs2)),\"artifact_pct\":\(number(p.artifactPercent))}"
        }
        out += array("music", s.music) { m in
            "{\"t_s\":\(number(m.seconds)),\"phase\":\(string(m.phase)),\"tempo_bpm\":\(number(m.tempoBPM))"
                + ",\"loudness_lufs\":\(number(m.loudnessLUFS)),\"swell_breaths_per_min\":\(number(m.swellBreathsPerMinute))"
                + ",\"swell_lu\":\(number(m.swellDepthLU)),\"measured_lufs\":\(number(m.measuredLUFS))"
                + ",\"tension\":\(number(m.tension))}"
        }
        out += array("events", s.events) { e in
            "{\"t_s\":\(number(e.seconds)),\"kind\":\(string(e.kind)),\"detail\":\(string(e.detail))}"
        }
        out += "}\n"
        return out
    }

    /// `,\n"key":[` one object a line `]`.
    private static func array<T>(_ key: String, _ items: [T], _ object: (T) -> String) -> String {
        var out = ",\n\"\(key)\":["
        for (i, item) in items.enumerated() { out += (i == 0 ? "\n" : ",\n") + object(item) }
        return out + "]"
    }

    /// The stored summary is `lull session`'s summary line, {"summary": {...}}: the inner object.
    static func unwrapSummary(_ json: String) -> String {
        let prefix = "{\"summary\":"
        guard json.hasPrefix(prefix), json.hasSuffix("}") else { return json }
        return String(json.dropFirst(prefix.count).dropLast())
    }

    private static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "null" }
        return "\(v)"
    }

    /// A JSON string (RFC 8259 §7), or null.
    static func string(_ text: String?) -> String {
        guard let text else { return "null" }
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// A client name inside the Kubios header comment: one line.
    private static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
    }
}
