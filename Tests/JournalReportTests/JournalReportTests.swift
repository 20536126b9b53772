// SPDX-License-Identifier: Apache-2.0
import Foundation
import HRVCore
import SessionStore
import Testing

@testable import JournalReport

/// The therapist's HTML report, made from sessions recorded in a real SQLite journal.
@Suite struct JournalReportTests {
    /// The text of each `<td>` in the row `<tr data-window="index">`.
    static func windowRow(_ html: String, index: Int) throws -> [String] {
        let start = try #require(html.range(of: "<tr data-window=\"\(index)\">")).upperBound
        let end = try #require(html[start...].range(of: "</tr>")).lowerBound
        return html[start..<end].components(separatedBy: "<td>").dropFirst().map {
            String($0.prefix { $0 != "<" })
        }
    }

    @Test func aSessionHasOneSVGPerChartAndNoScriptsOrFetches() throws {
        let journal = try JournalFixture()
        let id = try journal.record(client: "ada", minutes: 12)
        let html = try journalReportHTML(database: journal.database, client: nil, sessionID: id, since: nil)
        // Heart rate, RMSSD, breathing, coherence, tempo, loudness.
        #expect(html.components(separatedBy: "<svg").count - 1 == 6)
        #expect(html.components(separatedBy: "</svg>").count - 1 == 6)
        for title in ["Heart rate", "RMSSD", "Breathing rate", "Coherence", "Music tempo", "Music loudness"] {
            #expect(html.contains("aria-label=\"\(title)\""))
        }
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http"), "no fetches: no URL at all in the page")
        #expect(!html.contains("url(") && !html.contains("@import") && !html.contains(" src="))
        // Phases shaded, the strap gap and the flagged beat marked.
        for mark in ["class=\"phase-match\"", "class=\"phase-lead\"", "class=\"phase-close\"", "class=\"gap\"",
            "class=\"artifact\""]
        {
            #expect(html.contains(mark), "\(mark)")
        }
        #expect(html.contains("strap gap 5:00–5:20"))
        #expect(html.contains("@media print") && html.contains("break-before:page"))
    }

    @Test func theWindowTableShowsTheTaskForceMetricsOfTheStoredBeats() throws {
        let journal = try JournalFixture()
        let id = try journal.record(client: "ada", minutes: 16, heartRateBPM: 64, swingMilliseconds: 50)
        let html = try journalReportHTML(database: journal.database, client: "ada", sessionID: nil, since: nil)
        let beats = try journal.database.beats(sessionID: id)
        // Three full windows (0-5, 5-10, 10-15 min); the last minute is too short for a fourth.
        #expect(html.components(separatedBy: "<tr data-window=").count - 1 == 3)
        for k in 0..<3 {
            // By hand, as the Task Force defines them: intervals whose cumulative end lies in (300k, 300k+300].
            var sum = 0.0
            var window: [Double] = []
            for b in beats {
                sum += b.rrMilliseconds
                if sum / 1000 > Double(k) * 300 && sum / 1000 <= Double(k + 1) * 300 { window.append(b.rrMilliseconds) }
            }
            let meanRR = window.reduce(0, +) / Double(window.count)
            let differences = zip(window.dropFirst(), window).map { $0 - $1 }
            let rmssd = (differences.map { $0 * $0 }.reduce(0, +) / Double(differences.count)).squareRoot()
            let sdnn = (window.map { ($0 - meanRR) * ($0 - meanRR) }.reduce(0, +) / Double(window.count - 1)).squareRoot()
            let cells = try Self.windowRow(html, index: k)
            #expect(cells.count == 13)
            #expect(cells[1] == "\(window.count)")
            #expect(cells[2] == String(format: "%.1f", 60_000 / meanRR))
            #expect(cells[3] == String(format: "%.1f", sdnn))
            #expect(cells[4] == String(format: "%.1f", rmssd))
            // The sinusoid breathes 6 times a minute: the breathing column says so.
            #expect(cells[10] == "6.0")
        }
        // And the same numbers as RecordingAnalysis (what lull hrv runs) gives for every column.
        let analysis = SessionAnalysis(try #require(try journal.database.session(id: id)))
        let series = RecordingAnalysis.filter(milliseconds: beats.map(\.rrMilliseconds))
        let windows = RecordingAnalysis.windows(of: series.corrected, flags: series.correctedFlags, windowSeconds: 300).windows
        #expect(analysis.windows == windows)
        for w in windows {
            let cells = try Self.windowRow(html, index: w.index)
            #expect(cells[5] == String(format: "%.1f", try #require(w.timeDomain?.pnn50Percent)))
            #expect(cells[6] == String(format: "%.0f", try #require(w.frequencyDomain?.lfMs2)))
            #expect(cells[7] == String(format: "%.0f", try #require(w.frequencyDomain?.hfMs2)))
        }
    }

    @Test func clientNamesAreEscaped() throws {
        let journal = try JournalFixture()
        let name = #"<script>alert("x")</script> & 'Bo'"#
        try journal.record(client: name, minutes: 11)
        try journal.record(client: name, minutes: 11)
        let html = try journalReportHTML(database: journal.database, client: name, sessionID: nil, since: nil)
        #expect(!html.contains("<script"))
        #expect(!html.contains(name))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Bo&#39;"))
    }

    @Test func anEmptySelectionIsAClearError() throws {
        let journal = try JournalFixture()
        try journal.record(client: "ada", minutes: 6)
        #expect(throws: JournalReportError.emptySelection("client 'nobody'")) {
            try journalReportHTML(database: journal.database, client: "nobody", sessionID: nil, since: nil)
        }
        #expect(throws: JournalReportError.noSuchSession(99)) {
            try journalReportHTML(database: journal.database, client: nil, sessionID: 99, since: nil)
        }
        let future = Date(timeIntervalSinceNow: 86_400)
        #expect(throws: JournalReportError.self) {
            try journalReportHTML(database: journal.database, client: "ada", sessionID: nil, since: future)
        }
        #expect("\(JournalReportError.emptySelection("client 'nobody'"))" == "no recorded sessions match client 'nobody'")
    }

    @Test func aClientsSessionsGetTrendChartsWithTheirNormalRange() throws {
        let journal = try JournalFixture()
        // Resting heart rates 70, 72, 74, 76: mean 73, sample SD 2.582.
        for hr in [70.0, 72, 74, 76] { try journal.record(client: "ada", minutes: 11, heartRateBPM: hr) }
        let html = try journalReportHTML(database: journal.database, client: "ada", sessionID: nil, since: nil)
        // 6 charts per session and 7 trend charts.
        #expect(html.components(separatedBy: "<svg").count - 1 == 4 * 6 + 7)
        #expect(html.contains("Across sessions · ada"))
        let analyses = try journal.database.sessions(client: "ada").map {
            SessionAnalysis(try #require(try journal.database.session(id: $0.id)))
        }
        let resting = analyses.compactMap { $0.restingWindow?.timeDomain?.meanHeartRateBPM }
        let mean = resting.reduce(0, +) / 4
        let sd = (resting.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
        #expect(abs(mean - 73) < 0.2)
        let band = "normal range \(String(format: "%.1f", mean - sd))–\(String(format: "%.1f", mean + sd)) bpm"
        #expect(html.contains(band), "\(band)")
    }

    @Test func thePlainLanguageParagraphSaysWhatChanged() throws {
        let journal = try JournalFixture()
        let id = try journal.record(client: "ada", minutes: 12)
        let analysis = SessionAnalysis(try #require(try journal.database.session(id: id)))
        let story = SessionSection.story(analysis)
        // The fixture's summary has no 5-minute figures, so the story takes SessionHeadline's means of
        // the stored snapshots (breathing 14 − t/150): t in (0, 300] s averages 13.0, (420, 720] s 10.2.
        #expect(story.contains("breathing slowed from 13 to 10 per minute"), "\(story)")
        #expect(story.contains("Calm was reached after 7:00"))
        #expect(story.contains("The strap lost contact once (0:20 in all)"))
        #expect(story.contains("% of beats were flagged as artifacts"))
    }

    @Test func fixedPointNumbersRoundHalfAwayFromZero() {
        #expect(ReportText.fixed(1.25, 1) == "1.3")
        #expect(ReportText.fixed(-1.25, 1) == "-1.3")
        #expect(ReportText.fixed(-0.04, 1) == "0.0")
        #expect(ReportText.fixed(1234.5678, 2) == "1234.57")
        #expect(ReportText.fixed(0.05, 2) == "0.05")
        #expect(ReportText.fixed(99.96, 1) == "100.0")
        #expect(ReportText.fixed(nil, 1) == "—")
        #expect(ReportText.fixed(.nan, 1) == "—")
    }
}
