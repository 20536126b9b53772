// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Hummingbird
import JournalReport
import SessionStore

/// `GET /api/sessions/{id}/report`: the same page as `lull report --session ID`.
enum DaemonReport {
    static func html(database: SessionDatabase, sessionID: Int64) throws -> Response {
        do {
            return ControlAPI.html(try journalReportHTML(database: database, client: nil, sessionID: sessionID, since: nil))
        } catch let error as JournalReportError {
            return ControlAPI.json(.notFound, DaemonJSON.error("\(error)"))
        }
    }
}
