// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import JournalReport
import SessionStore

/// `lull export --session ID --format kubios|csv|json [--out FILE] [--db PATH]`: one recorded
/// session as a file for the therapist's own tools.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Exports one recorded session: RR for Kubios, beats as CSV, or everything as JSON.",
        discussion: """
            kubios: a header, then beat time (s) and RR (ms) per line (lull hrv reads it back). \
            csv: t_s,rr_ms,flag,contact,decided for every beat. json: the session row, settings, \
            summary, beats, snapshots, music and events. Without --out the file goes to stdout.
            """
    )

    @Option(help: "The session's id (see lull sessions).")
    var session: Int64

    @Option(help: "kubios, csv or json.")
    var format: String

    @Option(help: "Write to FILE instead of stdout.", completion: .file())
    var out: String?

    @Option(help: "The session journal (default as for lull session) or the clinic store's postgres:// URL.", completion: .file())
    var db: String?

    func validate() throws {
        guard SessionExport.Format(rawValue: format) != nil else {
            throw ValidationError("--format \(format): expected kubios, csv or json")
        }
    }

    func run() throws {
        let format = SessionExport.Format(rawValue: format) ?? .json
        let database = try StoreAccess.openForReading(db)
        let stored: StoredSession?
        do {
            stored = try database.session(id: session)
        } catch {
            throw CommandFailure("\(error)")
        }
        guard let stored else { throw CommandFailure("no session \(session) in \(database.location)") }
        try ReportCommand.write(SessionExport.text(stored, format: format), to: out)
    }
}
