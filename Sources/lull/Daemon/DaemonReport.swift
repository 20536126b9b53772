// SPDX-License-Identifier: Apache-2.0
import Hummingbird
import SessionStore

/// `GET /api/sessions/{id}/report`: the same page as `lull report --session ID`.
enum DaemonReport {
    static func html(database: SessionDatabase, sessionID: Int64) throws -> Response {
        // TODO(report): serve `journalReportHTML(database:client:sessionID:since:)` once `lull report`
        // lands; until then the route answers with a clear JSON error rather than a page.
        ControlAPI.json(.notImplemented, DaemonJSON.error("session reports are not available in this build of lull"))
    }
}
