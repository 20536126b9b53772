// SPDX-License-Identifier: Apache-2.0
import Foundation
import JournalReport
import SessionStore
import Testing

/// The report of a client with resonance assessments: the latest one (chart, table, choice and
/// reason) and the history of assessed paces; a client without one reports as before.
@Suite struct AssessmentReportTests {
    static func assessment(client: String, rate: Double?, at time: String) -> StoredAssessment {
        let steps = [6.5, 6.0, 5.5, 5.0, 4.5].map { r in
            StoredAssessmentStep(
                breathsPerMinute: r, peakTroughBPM: 20 - abs(r - 5.5) * 6, lfPeakMs2: 1000, lfMs2: 1200,
                peakHz: r / 60, rmssdMilliseconds: 40, coherence: 3, phaseDegrees: (5.5 - r) * 40, artifactPercent: 1,
                usable: r != 4.5, followed: true, attempts: r == 4.5 ? 2 : 1)
        }
        return StoredAssessment(
            sessionID: nil, client: client, startedAt: time, breathsPerMinute: rate, confidence: 0.75,
            reason: "5.5/min showed the largest swings", followedPace: rate != nil, resultJSON: "{}", steps: steps)
    }

    @Test func theLatestAssessmentAndTheHistoryOfPacesAreShown() throws {
        let journal = try JournalFixture()
        try journal.record(client: "ada", minutes: 12)
        try journal.database.recordAssessment(Self.assessment(client: "ada", rate: 6.0, at: "2026-11-01T09:00:00.000Z"))
        try journal.database.recordAssessment(Self.assessment(client: "ada", rate: 5.5, at: "2026-11-20T09:00:00.000Z"))
        let html = try journalReportHTML(database: journal.database, client: "ada", sessionID: nil, since: nil)
        #expect(html.contains("Their pace is about 5.5 breaths a minute"))
        #expect(html.contains("5.5/min showed the largest swings"))
        #expect(html.components(separatedBy: "class=\"bar-chosen\"").count == 2)
        #expect(html.components(separatedBy: "class=\"bar-unusable\"").count == 2)
        #expect(html.contains("<h3>Assessed paces</h3>"))
        #expect(html.contains("<td>6.0</td><td>0.75</td>"))
        #expect(!html.contains("<script"))
    }

    @Test func aClientWithoutAnAssessmentReportsAsBefore() throws {
        let journal = try JournalFixture()
        try journal.record(client: "bo", minutes: 12)
        try journal.database.recordAssessment(Self.assessment(client: "ada", rate: 5.5, at: "2026-11-20T09:00:00.000Z"))
        let html = try journalReportHTML(database: journal.database, client: "bo", sessionID: nil, since: nil)
        #expect(!html.contains("Breathing pace"))
        #expect(!html.contains(".bar-chosen"))
    }
}
