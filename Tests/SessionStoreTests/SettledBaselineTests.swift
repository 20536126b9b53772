// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import SessionStore

/// A client's settled baseline, which the guidance matches the music's tension against: the
/// medians of the last five minutes of their recent long-enough sessions, and nothing from
/// sessions that were interrupted, short, of another client, or older than the five latest.
@Suite struct SettledBaselineTests {
    static func summary(minutes: Double, heartRate: Double, rmssd: Double, breathing: Double) -> String {
        """
        {"summary": {"duration_s": \(minutes * 60), "first_5min": {"hr_bpm": 90, "rmssd_ms": 15, \
        "breathing_rate_per_min": 18}, "last_5min": {"hr_bpm": \(heartRate), "rmssd_ms": \(rmssd), \
        "breathing_rate_per_min": \(breathing)}}}
        """
    }

    @Test func mediansOfTheLatestSettledSessionsOfTheClientOnly() throws {
        let folder = try TemporaryFolder()
        let database = try SessionDatabase(path: folder.path("journal.sqlite"))
        #expect(try database.settledBaseline(client: "ada") == nil)
        // (client, outcome, minutes, last-5-minute HR, RMSSD, breathing), oldest first.
        let sessions: [(String, String, Double, Double, Double, Double)] = [
            ("ada", "complete", 20, 99, 99, 99),  // older than the five latest: not used
            ("ada", "complete", 20, 70, 30, 8),
            ("ada", "ended_early", 15, 72, 34, 7),
            ("ada", "complete", 20, 74, 38, 9),
            ("ada", "interrupted", 20, 50, 90, 4),  // no summary kept for the interrupted
            ("ada", "complete", 5, 50, 90, 4),  // too short to have settled
            ("bob", "complete", 20, 50, 90, 4),  // another client
            ("ada", "complete", 20, 76, 42, 10),
            ("ada", "complete", 20, 78, 46, 11),
        ]
        try database.queue.write { db in
            for (index, s) in sessions.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO sessions (client, started_at, source, settings, outcome, summary)
                        VALUES (?, ?, 'simulate', '{}', ?, ?)
                        """,
                    arguments: [
                        s.0, String(format: "2026-11-%02dT09:00:00.000Z", index + 1), s.1,
                        s.1 == "interrupted" ? nil : Self.summary(minutes: s.2, heartRate: s.3, rmssd: s.4, breathing: s.5),
                    ])
            }
        }
        let baseline = try #require(try database.settledBaseline(client: "ada"))
        #expect(baseline.sessions == 5)
        #expect(baseline.heartRateBPM == 74)
        #expect(baseline.rmssdMilliseconds == 38)
        #expect(baseline.breathsPerMinute == 9)
        let bob = try #require(try database.settledBaseline(client: "bob"))
        #expect(bob.sessions == 1 && bob.heartRateBPM == 50)
        #expect(try database.settledBaseline(client: "cy") == nil)
    }
}
