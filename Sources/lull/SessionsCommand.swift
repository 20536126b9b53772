// SPDX-License-Identifier: Apache-2.0
import SessionRuntime
import ArgumentParser
import Foundation
import SessionStore

/// `lull sessions`: the recorded sessions, one line each with its headline numbers.
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Lists the sessions in the session journal.",
        discussion: """
            One line per session, oldest first: id, client, start (local time), duration, outcome, and \
            heart rate, RMSSD and breathing rate first -> last (means of the first and last 5 minutes \
            of HRV snapshots, as the session's own summary gives them). --json prints one JSON object per \
            line instead.
            """
    )

    @Option(help: "Only this client's sessions.")
    var client: String?

    @Option(help: "Only sessions started since DATE (YYYY-MM-DD, local midnight, or ISO 8601) or the last Nd / Nh.")
    var since: String?

    @Flag(help: "One JSON object per line.")
    var json = false

    @Option(help: "The session journal (default as for lull session) or the clinic store's postgres:// URL.", completion: .file())
    var db: String?

    func validate() throws {
        if let since { _ = try Self.date(since, flag: "--since", now: Date()) }
    }

    func run() throws {
        if let db, db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") {
            let sinceUTC = since.flatMap { SessionListingText.parseSince($0, now: Date()) }.map(SessionListingText.utcText)
            let store = try StoreAccess.openForReading(db)
            let listings: [SessionListing]
            do { listings = try store.sessions(client: client, since: sinceUTC) } catch {
                throw CommandFailure("\(error)")
            }
            for listing in listings { SessionOutput.write(json ? SessionListingText.jsonLine(listing) : SessionListingText.textLine(listing)) }
            return
        }
        let path = try JournalAccess.journalPath(db)
        // Listing must not create a journal where none is: say there is nothing yet.
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data("lull: no session journal at \(path) yet\n".utf8))
            return
        }
        let sinceUTC = since.flatMap { SessionListingText.parseSince($0, now: Date()) }.map(SessionListingText.utcText)
        let listings: [SessionListing]
        let assessments: [StoredAssessment]
        do {
            let database = try SessionDatabase(path: path)
            listings = try database.sessions(client: client, since: sinceUTC)
            assessments = try database.assessments(client: client, since: sinceUTC)
        } catch {
            throw CommandFailure("\(error)")
        }
        for listing in listings { SessionOutput.write(json ? SessionListingText.jsonLine(listing) : SessionListingText.textLine(listing)) }
        Self.listAssessments(assessments, json: json)
    }

    /// `--since` / `--older-than` text as a date, or a validation error naming the flag.
    static func date(_ text: String, flag: String, now: Date) throws -> Date {
        guard let date = SessionListingText.parseSince(text, now: now) else {
            throw ValidationError("\(flag) \(text): expected YYYY-MM-DD, an ISO 8601 time, Nd or Nh")
        }
        return date
    }





}
