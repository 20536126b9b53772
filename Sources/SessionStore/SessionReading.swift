// SPDX-License-Identifier: Apache-2.0

/// What the reading verbs (`lull sessions`, `lull report`, `lull export`) need of a store of
/// sessions: a kiosk's SQLite journal, or the clinic's PostgreSQL store. One report code reads both.
public protocol SessionReading {
    /// Where the sessions are, for messages (a file path, or a URL without its password).
    var location: String { get }
    /// Sessions oldest first, optionally of one client and started at or after `since` (ISO 8601 UTC).
    func sessions(client: String?, since: String?) throws -> [SessionListing]
    /// The whole session with this store's id, or nil.
    func session(id: Int64) throws -> StoredSession?
    /// Resonance assessments oldest first, optionally of one client and since a time (ISO 8601 UTC).
    func assessments(client: String?, since: String?) throws -> [StoredAssessment]
}

extension SessionDatabase: SessionReading {
    public var location: String { path }
}
