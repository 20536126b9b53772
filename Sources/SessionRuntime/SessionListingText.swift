// SPDX-License-Identifier: Apache-2.0
package import Foundation
import LullWire
package import SessionStore

/// A journal's session listing as `lull sessions` prints it (a line for people, a JSON line for
/// programs; the control API's `GET /api/sessions` is a list of the JSON lines), and the journal's
/// time forms.
package enum SessionListingText {
    package static func textLine(_ s: SessionListing) -> String {
        func pair(_ p: (first: Double?, last: Double?), _ digits: Int) -> String {
            func f(_ v: Double?) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "—" }
            return "\(f(p.first))→\(f(p.last))"
        }
        let name = s.client.map(ClientName.printable)
        let client = (name ?? "-").padding(toLength: max(10, name?.count ?? 0), withPad: " ", startingAt: 0)
        let outcome = s.outcome.padding(toLength: 11, withPad: " ", startingAt: 0)
        return "\(String(s.id).leftPadded(4))  \(client)  \(localText(s.startedAt))  "
            + "\(WireText.clock(s.durationSeconds).leftPadded(6))  \(outcome)  "
            + "HR \(pair(s.heartRateBPM, 1)) bpm  RMSSD \(pair(s.rmssdMilliseconds, 1)) ms  "
            + "breathing \(pair(s.breathingRatePerMinute, 1)) /min"
    }

    package static func jsonLine(_ s: SessionListing) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("id", Int(s.id))
        w.field("client", s.client)
        w.field("started_at", s.startedAt)
        w.field("ended_at", s.endedAt)
        w.field("duration_s", s.durationSeconds)
        w.field("outcome", s.outcome)
        w.field("source", s.source)
        w.field("beats", s.beats)
        for (key, p) in [
            ("hr_bpm", s.heartRateBPM), ("rmssd_ms", s.rmssdMilliseconds),
            ("breathing_rate_per_min", s.breathingRatePerMinute),
        ] {
            w.beginObject(key)
            w.field("first", p.first)
            w.field("last", p.last)
            w.endObject()
        }
        w.endObject()
        return w.text
    }

    /// "30d" and "12h" count back from `now`; a date is local midnight; else a full ISO 8601 time.
    package static func parseSince(_ text: String, now: Date) -> Date? {
        if let unit = text.last, unit == "d" || unit == "h", let n = Double(text.dropLast()), n >= 0, n.isFinite {
            return now.addingTimeInterval(-n * (unit == "d" ? 86_400 : 3_600))
        }
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = .current
        day.dateFormat = "yyyy-MM-dd"
        if text.count == 10, let date = day.date(from: text) { return date }
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: text) { return date }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.date(from: text)
    }

    /// The journal's own timestamp form (ISO 8601 UTC with milliseconds), which compares as text.
    package static func utcText(_ date: Date) -> String {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.string(from: date)
    }

    /// "2026-11-22 02:54" in the local time zone, for people.
    package static func localText(_ utc: String) -> String {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = iso.date(from: utc) else { return utc }
        let out = DateFormatter()
        out.locale = Locale(identifier: "en_US_POSIX")
        out.timeZone = .current
        out.dateFormat = "yyyy-MM-dd HH:mm"
        return out.string(from: date)
    }
}
