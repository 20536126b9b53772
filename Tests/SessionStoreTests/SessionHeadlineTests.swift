// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import SessionStore

/// One definition of a session's first and last figures for the live summary, `lull sessions` and
/// the report.
@Suite struct SessionHeadlineTests {
    static func row(_ t: Double, hr: Double, rmssd: Double) -> SnapshotRow {
        SnapshotRow(
            seconds: t, heartRateBPM: hr, rmssdMilliseconds: rmssd, sdnnMilliseconds: nil, breathingRatePerMinute: 6,
            coherence: nil, lfMs2: nil, hfMs2: nil, artifactPercent: nil)
    }

    @Test func withoutASummaryTheSnapshotsAreAveragedOverTheSummarysPeriods() {
        // 600 s: P = min(300, 600 / 3) = 200, first (0, 200], last (400, 600].
        let snapshots = [
            Self.row(100, hr: 80, rmssd: 20), Self.row(200, hr: 70, rmssd: 30), Self.row(300, hr: 60, rmssd: 99),
            Self.row(400, hr: 99, rmssd: 99), Self.row(500, hr: 50, rmssd: 40), Self.row(600, hr: 40, rmssd: 50),
        ]
        let h = SessionHeadline.of(summaryJSON: nil, snapshots: snapshots, durationSeconds: 600)
        #expect(h.first.heartRateBPM == 75)
        #expect(h.first.rmssdMilliseconds == 25)
        #expect(h.last.heartRateBPM == 45)
        #expect(h.last.rmssdMilliseconds == 45)
        #expect(h.last.breathingRatePerMinute == 6)
    }

    @Test func aFinishedSessionIsListedWithItsSummarysFigures() throws {
        let folder = try TemporaryFolder()
        let database = try SessionDatabase(path: folder.path("j.sqlite"))
        let recorder = SessionRecorder(database: database, commitEverySeconds: 0, report: { _ in })
        _ = try recorder.start(client: "c", source: "simulate", strap: nil, settings: "{}")
        for i in 1...900 {
            recorder.beat(seconds: Double(i), rrMilliseconds: 1000, flag: "ok", contact: true)
            if i % 10 == 0 { recorder.snapshot(Self.row(Double(i), hr: 60, rmssd: 10 + Double(i) / 100)) }
        }
        // What SessionSummary computed from every beat: not the snapshots' means (13.0 and 16.0).
        let summary = """
            {"summary":{"duration_s":900,"first_5min":{"hr_bpm":61.25,"rmssd_ms":15.8,"breathing_rate_per_min":6.5},\
            "last_5min":{"hr_bpm":59.5,"rmssd_ms":17.1,"breathing_rate_per_min":5.5}}}
            """
        recorder.finish(outcome: .complete, summaryJSON: summary)
        let listed = try #require(try database.sessions().first)
        #expect(listed.heartRateBPM.first == 61.25 && listed.heartRateBPM.last == 59.5)
        #expect(listed.rmssdMilliseconds.first == 15.8 && listed.rmssdMilliseconds.last == 17.1)
        #expect(listed.breathingRatePerMinute.first == 6.5 && listed.breathingRatePerMinute.last == 5.5)
    }
}
