// SPDX-License-Identifier: Apache-2.0
import Foundation
package import SessionStore

/// Where the verbs find the session journal: `--db`, else the default of this user or service.
package enum JournalAccess {
    /// `--db`, else the default journal of this user or service.
    package static func journalPath(_ db: String?) throws(SessionRunError) -> String {
        guard let path = db ?? SessionDatabase.defaultPath(environment: ProcessInfo.processInfo.environment) else {
            throw SessionRunError("no HOME, STATE_DIRECTORY or XDG_STATE_HOME for the session journal; use --db PATH")
        }
        return path
    }

    /// Opens an existing journal for the reading and pruning verbs, which never create one.
    package static func openExisting(_ db: String?) throws(SessionRunError) -> SessionDatabase {
        let path = try journalPath(db)
        guard FileManager.default.fileExists(atPath: path) else {
            throw SessionRunError("no session journal at \(path); record a session first, or give --db PATH")
        }
        do {
            return try SessionDatabase(path: path)
        } catch {
            throw SessionRunError("\(error)")
        }
    }
}
