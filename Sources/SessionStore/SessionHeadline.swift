// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A session's first and last figures (heart rate, RMSSD, breathing rate), with one definition for
/// the live summary, `lull sessions` and the report: the means of the session's HRV snapshots over
/// its first and last 5 minutes, (0, P] and (end − P, end] with P = min(300 s, end / 3), as
/// `SessionSummary` computes them from every beat when the session ends. A session that wrote its
/// summary is read from it, so all three show the same numbers; one that did not (interrupted,
/// still running) gets the same means over the snapshots the journal kept.
public struct SessionHeadline: Sendable, Equatable {
    public struct Figures: Sendable, Equatable {
        public var heartRateBPM: Double?
        public var rmssdMilliseconds: Double?
        public var breathingRatePerMinute: Double?
    }

    public var first: Figures
    public var last: Figures
    /// The summary's 5-minute period (the Task Force's short-term recording).
    static let periodSeconds = 300.0

    /// From the summary object as recorded (`{"summary": {...}}` or the object itself), else from
    /// `snapshots` over a session of `durationSeconds`.
    public static func of(summaryJSON: String?, snapshots: [SnapshotRow], durationSeconds: Double) -> SessionHeadline {
        if let fromSummary = parse(summaryJSON) { return fromSummary }
        let period = min(periodSeconds, durationSeconds / 3)
        return SessionHeadline(
            first: means(snapshots, after: 0, upTo: period),
            last: means(snapshots, after: durationSeconds - period, upTo: durationSeconds))
    }

    public static func parse(_ json: String?) -> SessionHeadline? {
        guard let json, let data = json.data(using: .utf8),
            var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return nil }
        if let inner = object["summary"] as? [String: Any] { object = inner }
        guard let first = object["first_5min"] as? [String: Any], let last = object["last_5min"] as? [String: Any] else {
            return nil
        }
        func figures(_ o: [String: Any]) -> Figures {
            func number(_ key: String) -> Double? { (o[key] as? NSNumber)?.doubleValue }
            return Figures(
                heartRateBPM: number("hr_bpm"), rmssdMilliseconds: number("rmssd_ms"),
                breathingRatePerMinute: number("breathing_rate_per_min"))
        }
        return SessionHeadline(first: figures(first), last: figures(last))
    }

    /// The summary's `duration_s`, if it has one.
    public static func durationSeconds(summaryJSON json: String?) -> Double? {
        guard let json, let data = json.data(using: .utf8),
            var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return nil }
        if let inner = object["summary"] as? [String: Any] { object = inner }
        return (object["duration_s"] as? NSNumber)?.doubleValue
    }

    static func means(_ snapshots: [SnapshotRow], after from: Double, upTo to: Double) -> Figures {
        func average(_ value: (SnapshotRow) -> Double?) -> Double? {
            var sum = 0.0
            var n = 0
            for s in snapshots where s.seconds > from && s.seconds <= to {
                if let v = value(s), v.isFinite {
                    sum += v
                    n += 1
                }
            }
            return n > 0 ? sum / Double(n) : nil
        }
        return Figures(
            heartRateBPM: average(\.heartRateBPM), rmssdMilliseconds: average(\.rmssdMilliseconds),
            breathingRatePerMinute: average(\.breathingRatePerMinute))
    }
}
