// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB

extension SessionRecord {
    /// The palette the session was played with (its settings' `palette`); nil for sessions recorded
    /// before palettes existed, which all had the default's sound.
    public var paletteName: String? {
        guard let data = settingsJSON.data(using: .utf8),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return nil }
        return object["palette"] as? String
    }
}

extension SessionDatabase {
    /// The palette the client chose last (the `palette` of their latest session's settings), so the
    /// kiosk and `lull session` offer it first next time; nil when they never chose one.
    public func lastPalette(client: String) throws(SessionJournalError) -> String? {
        do {
            return try queue.read { db in
                try String.fetchOne(
                    db,
                    sql: """
                        SELECT json_extract(settings, '$.palette') FROM sessions
                        WHERE client = ? AND json_valid(settings) AND json_extract(settings, '$.palette') IS NOT NULL
                        ORDER BY started_at DESC, id DESC LIMIT 1
                        """, arguments: [client])
            }
        } catch {
            throw .read(path: path, reason: Self.describe(error))
        }
    }
}
