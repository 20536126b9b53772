// SPDX-License-Identifier: Apache-2.0
import Foundation
import LullWire

/// `lull status`'s lines from the daemon's JSON: the status, a beat and a summary, for people.
package enum DaemonStatusText {
    package static func statusLine(_ s: [String: Any]) -> String {
        var parts = [s["state"] as? String ?? "?"]
        if let session = s["session"] as? [String: Any] {
            var text = "session " + ((session["id"] as? NSNumber).map { "\($0.intValue)" } ?? "(not recorded)")
            if let client = session["client"] as? String { text += " (client \(client))" }
            parts.append(text)
            parts.append(session["phase"] as? String ?? "?")
            let elapsed = (session["elapsed_s"] as? NSNumber)?.doubleValue ?? 0
            let remaining = (session["remaining_s"] as? NSNumber)?.doubleValue ?? 0
            parts.append("\(WireText.clock(elapsed)) elapsed, \(WireText.clock(remaining)) left")
        }
        if let strap = s["strap"] as? [String: Any] {
            var text = "strap \(strap["state"] as? String ?? "?")"
            var details: [String] = []
            if let name = strap["name"] as? String { details.append(name) }
            if let battery = strap["battery_pct"] as? NSNumber { details.append("battery \(battery.intValue) %") }
            if let detail = strap["detail"] as? String { details.append(detail) }
            if !details.isEmpty { text += " (\(details.joined(separator: ", ")))" }
            parts.append(text)
        }
        if let journalError = s["journal_error"] as? String {
            parts.append("journal not writable (\(journalError)); the music continues")
        }
        if let audio = s["audio"] as? [String: Any] {
            parts.append("audio \(audio["state"] as? String ?? "?") (\(audio["detail"] as? String ?? "?"))")
        }
        if !(s["session"] is [String: Any]), let last = s["last_summary"] as? [String: Any] {
            parts.append("last: " + summaryLine(last))
        }
        if let sync = s["sync"] as? [String: Any], let waiting = (sync["waiting"] as? NSNumber)?.intValue {
            parts.append("\(waiting) session\(waiting == 1 ? "" : "s") waiting for the clinic store")
        }
        return parts.joined(separator: " · ")
    }

    package static func beatLine(_ b: [String: Any]) -> String {
        func f(_ key: String, _ digits: Int) -> String {
            (b[key] as? NSNumber).map { String(format: "%.\(digits)f", $0.doubleValue) } ?? "—"
        }
        let t = (b["t_s"] as? NSNumber)?.doubleValue ?? 0
        let remaining = (b["remaining_s"] as? NSNumber)?.doubleValue ?? 0
        return "\(WireText.clock(t))  \((b["phase"] as? String ?? "?").padding(toLength: 6, withPad: " ", startingAt: 0))"
            + "HR \(f("hr_bpm", 1))  RMSSD \(f("rmssd_ms", 1)) ms  breath \(f("breathing_rate_per_min", 1))/min  "
            + "tempo \(f("tempo_bpm", 1)) bpm  \(f("loudness_lufs", 1)) LUFS  guide \(f("guide_breaths_per_min", 1))/min  "
            + "\(WireText.clock(remaining)) left"
    }

    package static func summaryLine(_ s: [String: Any]) -> String {
        func pair(_ key: String, _ digits: Int) -> String {
            func f(_ part: String) -> String {
                ((s[part] as? [String: Any])?[key] as? NSNumber).map { String(format: "%.\(digits)f", $0.doubleValue) }
                    ?? "—"
            }
            return "\(f("first_5min"))→\(f("last_5min"))"
        }
        let id = (s["id"] as? NSNumber).map { "session \($0.intValue)" } ?? "session"
        let duration = WireText.clock((s["duration_s"] as? NSNumber)?.doubleValue ?? 0)
        let outcome = (s["ended_early"] as? Bool ?? false) ? "ended early" : "complete"
        return "\(id) \(outcome) after \(duration): HR \(pair("hr_bpm", 1)) bpm, RMSSD \(pair("rmssd_ms", 1)) ms, "
            + "breathing \(pair("breathing_rate_per_min", 1)) /min"
    }
}
