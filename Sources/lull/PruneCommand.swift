// SPDX-License-Identifier: Apache-2.0
import SessionRuntime
import ArgumentParser
import Foundation
import SessionStore

/// `lull prune --older-than 365d [--db PATH]`: removes sessions that started before then.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Removes old sessions from the session journal.",
        discussion: """
            Removes every session that started before --older-than (Nd or Nh back from now, a date \
            YYYY-MM-DD, or an ISO 8601 time) with all its beats, snapshots, music and events, and says \
            how many. A session being recorded now is never removed.
            """
    )

    @Option(name: .customLong("older-than"), help: "Age (365d, 12h) or date before which sessions are removed.")
    var olderThan: String

    @Option(help: "The session journal (default as for lull session).", completion: .file())
    var db: String?

    func validate() throws { _ = try SessionsCommand.date(olderThan, flag: "--older-than", now: Date()) }

    func run() throws {
        let cutoff = try SessionsCommand.date(olderThan, flag: "--older-than", now: Date())
        let database = try JournalAccess.openExisting(db)
        let removed: Int
        do {
            removed = try database.prune(startedBefore: cutoff)
        } catch {
            throw CommandFailure("\(error)")
        }
        print("removed \(removed) session\(removed == 1 ? "" : "s") started before \(SessionListingText.utcText(cutoff))")
    }
}
