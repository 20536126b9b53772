// SPDX-License-Identifier: Apache-2.0
public import Foundation
public import SessionStore

/// Why no report could be made; one line naming the selection.
public enum JournalReportError: Error, Equatable, CustomStringConvertible {
    case emptySelection(String)
    case noSuchSession(Int64)

    public var description: String {
        switch self {
        case .emptySelection(let selection): "no recorded sessions match \(selection)"
        case .noSuchSession(let id): "no session \(id) in the journal"
        }
    }
}

/// The therapist's report as one self-contained HTML page: inline SVG and CSS, no scripts and no
/// fetches, readable in any browser and printable (a page per session). Selected by client, one
/// session, and sessions started since a date. This is what `lull report` writes and what the
/// daemon serves for `GET /api/sessions/{id}/report`.
///
/// - Parameters:
///   - timeZone: the zone dates are shown in (the reader's; the journal stores UTC).
/// - Throws: `JournalReportError` for an empty selection or an unknown session, the store's own
///   error when it cannot be read. `database` is a kiosk's journal or the clinic store: one report.
public func journalReportHTML(
    database: any SessionReading, client: String?, sessionID: Int64?, since: Date?, timeZone: TimeZone = .current
) throws -> String {
    let sinceText = since.map(JournalReport.utcText)
    var listings = try database.sessions(client: client, since: sinceText)
    if let sessionID {
        listings = listings.filter { $0.id == sessionID }
        if listings.isEmpty && client == nil && since == nil { throw JournalReportError.noSuchSession(sessionID) }
    }
    guard !listings.isEmpty else {
        throw JournalReportError.emptySelection(
            JournalReport.describeSelection(client: client, sessionID: sessionID, since: sinceText))
    }
    var sessions: [StoredSession] = []
    for listing in listings {
        if let session = try database.session(id: listing.id) { sessions.append(session) }
    }
    let assessments = try database.assessments(client: client, since: sinceText)
    return JournalReport(sessions: sessions, timeZone: timeZone, assessments: assessments).html()
}

/// The report over sessions already read from the journal (oldest first). Pure: no I/O, no clock.
public struct JournalReport {
    public let analyses: [SessionAnalysis]
    let timeZone: TimeZone
    /// Resonance assessments of the selection's clients, oldest first.
    let assessments: [StoredAssessment]

    public init(sessions: [StoredSession], timeZone: TimeZone = .current, assessments: [StoredAssessment] = []) {
        analyses = sessions.map(SessionAnalysis.init)
        self.timeZone = timeZone
        self.assessments = assessments
    }

    public func html() -> String {
        let clients = Array(Set(analyses.map { $0.session.record.client ?? "" })).sorted()
        let title = clients.count == 1 && !clients[0].isEmpty ? "Lull sessions · \(clients[0])" : "Lull sessions"
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        let css = assessments.isEmpty ? Self.css : Self.css + AssessmentSection.css
        out += "<title>\(ReportText.escape(title))</title><style>\(css)</style></head><body>"
        out += "<header><h1>\(ReportText.escape(title))</h1><p>\(analyses.count) session\(analyses.count == 1 ? "" : "s")"
        if let first = analyses.first, let last = analyses.last {
            out += ", \(ReportText.escape(localText(first.session.record.startedAt)))"
            if analyses.count > 1 { out += " to \(ReportText.escape(localText(last.session.record.startedAt)))" }
        }
        out += ". Charts share one time axis: the listener above, the music beneath, the phases shaded.</p></header>"
        for client in clients {
            let own = analyses.filter { ($0.session.record.client ?? "") == client }
            guard own.count >= 2 else { continue }
            let trends = ClientTrends(
                client: client.isEmpty ? nil : client,
                sessions: own.map { ($0, Self.date($0.session.record.startedAt) ?? .distantPast, localText($0.session.record.startedAt)) })
            out += trends.html()
        }
        for client in Array(Set(assessments.map { $0.client ?? "" })).sorted() {
            let own = assessments.filter { ($0.client ?? "") == client }
            out += AssessmentSection(client: client.isEmpty ? nil : client, assessments: own, localText: localText).html()
        }
        for analysis in analyses.reversed() {
            out += SessionSection(analysis: analysis, startedText: localText(analysis.session.record.startedAt)).html()
        }
        out += Self.methods
        out += "</body></html>\n"
        return out
    }

    static func date(_ utc: String) -> Date? {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.date(from: utc) ?? ISO8601DateFormatter().date(from: utc)
    }

    static func utcText(_ date: Date) -> String {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.string(from: date)
    }

    /// "2026-11-22 09:40" in the report's time zone.
    func localText(_ utc: String) -> String {
        guard let date = Self.date(utc) else { return utc }
        let out = DateFormatter()
        out.locale = Locale(identifier: "en_US_POSIX")
        out.timeZone = timeZone
        out.dateFormat = "yyyy-MM-dd HH:mm"
        return out.string(from: date)
    }

    static func describeSelection(client: String?, sessionID: Int64?, since: String?) -> String {
        var parts: [String] = []
        if let client { parts.append("client '\(client)'") }
        if let sessionID { parts.append("session \(sessionID)") }
        if let since { parts.append("started since \(since)") }
        return parts.isEmpty ? "(the journal is empty)" : parts.joined(separator: ", ")
    }
}
