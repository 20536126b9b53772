// SPDX-License-Identifier: Apache-2.0
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
            let sinceUTC = since.flatMap { Self.parseSince($0, now: Date()) }.map(Self.utcText)
            let store = try StoreAccess.openForReading(db)
            let listings: [SessionListing]
            do { listings = try store.sessions(client: client, since: sinceUTC) } catch {
                throw CommandFailure("\(error)")
            }
            for listing in listings { SessionOutput.write(json ? Self.jsonLine(listing) : Self.textLine(listing)) }
            return
        }
        let path = try Self.journalPath(db)
        // Listing must not create a journal where none is: say there is nothing yet.
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data("lull: no session journal at \(path) yet\n".utf8))
            return
        }
        let sinceUTC = since.flatMap { Self.parseSince($0, now: Date()) }.map(Self.utcText)
        let listings: [SessionListing]
        let assessments: [StoredAssessment]
        do {
            let database = try SessionDatabase(path: path)
            listings = try database.sessions(client: client, since: sinceUTC)
            assessments = try database.assessments(client: client, since: sinceUTC)
        } catch {
            throw CommandFailure("\(error)")
        }
        for listing in listings { SessionOutput.write(json ? Self.jsonLine(listing) : Self.textLine(listing)) }
        Self.listAssessments(assessments, json: json)
    }

    /// `--db`, else the default journal of this user or service.
    static func journalPath(_ db: String?) throws -> String {
        guard let path = db ?? SessionDatabase.defaultPath(environment: ProcessInfo.processInfo.environment) else {
            throw CommandFailure("no HOME, STATE_DIRECTORY or XDG_STATE_HOME for the session journal; use --db PATH")
        }
        return path
    }

    /// Opens an existing journal for the reading and pruning verbs, which never create one.
    static func openExisting(_ db: String?) throws -> SessionDatabase {
        let path = try journalPath(db)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("no session journal at \(path); record a session first, or give --db PATH")
        }
        do {
            return try SessionDatabase(path: path)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// `--since` / `--older-than` text as a date, or a validation error naming the flag.
    static func date(_ text: String, flag: String, now: Date) throws -> Date {
        guard let date = parseSince(text, now: now) else {
            throw ValidationError("\(flag) \(text): expected YYYY-MM-DD, an ISO 8601 time, Nd or Nh")
        }
        return date
    }

    static func textLine(_ s: SessionListing) -> String {
        func pair(_ p: (first: Double?, last: Double?), _ digits: Int) -> String {
            func f(_ v: Double?) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "—" }
            return "\(f(p.first))→\(f(p.last))"
        }
        let name = s.client.map(ClientName.printable)
        let client = (name ?? "-").padding(toLength: max(10, name?.count ?? 0), withPad: " ", startingAt: 0)
        let outcome = s.outcome.padding(toLength: 11, withPad: " ", startingAt: 0)
        return "\(String(s.id).leftPadded(4))  \(client)  \(localText(s.startedAt))  "
            + "\(SessionOutput.clock(s.durationSeconds).leftPadded(6))  \(outcome)  "
            + "HR \(pair(s.heartRateBPM, 1)) bpm  RMSSD \(pair(s.rmssdMilliseconds, 1)) ms  "
            + "breathing \(pair(s.breathingRatePerMinute, 1)) /min"
    }

    static func jsonLine(_ s: SessionListing) -> String {
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
    static func parseSince(_ text: String, now: Date) -> Date? {
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
    static func utcText(_ date: Date) -> String {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.string(from: date)
    }

    /// "2026-11-22 02:54" in the local time zone, for people.
    static func localText(_ utc: String) -> String {
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
