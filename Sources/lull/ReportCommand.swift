// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import JournalReport
import SessionStore

/// `lull report [--client NAME] [--session ID] [--since DATE|30d] --out FILE.html [--db PATH]`: the
/// therapist's report, one self-contained HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Writes the therapist's report of recorded sessions as one HTML file.",
        discussion: """
            One page with no scripts and no network fetches (inline SVG and CSS) that opens in any \
            browser and prints a page per session: charts of heart rate, RMSSD, breathing and \
            coherence over the music's tempo and loudness, phases, strap gaps and artifacts; the \
            first and last 5 minutes; Task Force metrics per 5-minute window; and, for a client's \
            sessions, trends of resting values and within-session change over their normal range.
            """
    )

    @Option(help: "Only this client's sessions.")
    var client: String?

    @Option(help: "Only this session.")
    var session: Int64?

    @Option(help: "Only sessions started since DATE (YYYY-MM-DD, local midnight, or ISO 8601) or the last Nd / Nh.")
    var since: String?

    @Option(help: "The HTML file to write.", completion: .file(extensions: ["html"]))
    var out: String

    @Option(help: "The session journal (default as for lull session) or the clinic store's postgres:// URL.", completion: .file())
    var db: String?

    func validate() throws {
        if let since { _ = try SessionsCommand.date(since, flag: "--since", now: Date()) }
        guard !out.isEmpty else { throw ValidationError("--out needs a file name") }
    }

    func run() throws {
        let sinceDate = try since.map { try SessionsCommand.date($0, flag: "--since", now: Date()) }
        let database = try StoreAccess.openForReading(db)
        let html: String
        do {
            html = try journalReportHTML(database: database, client: client, sessionID: session, since: sinceDate)
        } catch {
            throw CommandFailure("\(error)")
        }
        try Self.write(html, to: out)
    }

    /// Writes `text` to `path` (atomically, so a reader never sees half a file), or to stdout.
    static func write(_ text: String, to path: String?) throws {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure("cannot write \(path): \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
        }
    }
}
