// SPDX-License-Identifier: Apache-2.0
import GRDB

/// How a client is once settled: the medians, over their most recent sessions, of each session's
/// last five minutes (`SessionHeadline.last`). The guidance matches the music's tension against it
/// (Guidance's `TensionReference`); without any, population norms are used.
public struct SettledBaseline: Sendable, Equatable {
    public var heartRateBPM: Double?
    public var rmssdMilliseconds: Double?
    public var breathsPerMinute: Double?
    /// How many sessions the medians are of.
    public var sessions: Int

    public init(heartRateBPM: Double?, rmssdMilliseconds: Double?, breathsPerMinute: Double?, sessions: Int) {
        self.heartRateBPM = heartRateBPM
        self.rmssdMilliseconds = rmssdMilliseconds
        self.breathsPerMinute = breathsPerMinute
        self.sessions = sessions
    }
}

extension SessionDatabase {
    /// The client's settled baseline from up to `sessions` of their latest sessions that wrote a
    /// summary (complete, or ended early by them) and lasted at least `minimumSeconds` (a short
    /// session never settled); nil when they have none.
    public func settledBaseline(client: String, sessions: Int = 5, minimumSeconds: Double = 600)
        throws(SessionJournalError) -> SettledBaseline?
    {
        do {
            let figures: [SessionHeadline.Figures] = try queue.read { db in
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT summary FROM sessions
                        WHERE client = ? AND outcome IN (?, ?) AND summary IS NOT NULL
                        ORDER BY started_at DESC, id DESC
                        """,
                    arguments: [client, SessionOutcome.complete.rawValue, SessionOutcome.endedEarly.rawValue])
                var found: [SessionHeadline.Figures] = []
                while found.count < sessions, let row = try rows.next() {
                    let summary: String = row[0]
                    guard let duration = SessionHeadline.durationSeconds(summaryJSON: summary), duration >= minimumSeconds,
                        let headline = SessionHeadline.parse(summary), headline.last.heartRateBPM != nil
                    else { continue }
                    found.append(headline.last)
                }
                return found
            }
            guard !figures.isEmpty else { return nil }
            func median(_ values: [Double]) -> Double? {
                guard !values.isEmpty else { return nil }
                let sorted = values.sorted()
                let middle = sorted.count / 2
                return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
            }
            return SettledBaseline(
                heartRateBPM: median(figures.compactMap(\.heartRateBPM)),
                rmssdMilliseconds: median(figures.compactMap(\.rmssdMilliseconds)),
                breathsPerMinute: median(figures.compactMap(\.breathingRatePerMinute)), sessions: figures.count)
        } catch {
            throw .read(path: path, reason: Self.describe(error))
        }
    }
}
