// SPDX-License-Identifier: Apache-2.0
import GRDB

/// One session's headline, for `lull sessions`: first and last are the means of the snapshots in
/// the first and last 5 minutes of what was recorded (halves when shorter than 10 minutes), so an
/// interrupted session has them too.
public struct SessionListing: Sendable, Equatable {
    public var id: Int64
    public var client: String?
    /// ISO 8601 UTC.
    public var startedAt: String
    public var endedAt: String?
    public var source: String
    public var outcome: String
    /// Session time of the last recorded beat or event, seconds.
    public var durationSeconds: Double
    public var beats: Int
    public var heartRateBPM: (first: Double?, last: Double?)
    public var rmssdMilliseconds: (first: Double?, last: Double?)
    public var breathingRatePerMinute: (first: Double?, last: Double?)

    public init(
        id: Int64, client: String?, startedAt: String, endedAt: String?, source: String, outcome: String,
        durationSeconds: Double, beats: Int, heartRateBPM: (first: Double?, last: Double?),
        rmssdMilliseconds: (first: Double?, last: Double?), breathingRatePerMinute: (first: Double?, last: Double?)
    ) {
        self.id = id
        self.client = client
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.source = source
        self.outcome = outcome
        self.durationSeconds = durationSeconds
        self.beats = beats
        self.heartRateBPM = heartRateBPM
        self.rmssdMilliseconds = rmssdMilliseconds
        self.breathingRatePerMinute = breathingRatePerMinute
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.id == b.id && a.client == b.client && a.startedAt == b.startedAt && a.endedAt == b.endedAt
            && a.source == b.source && a.outcome == b.outcome && a.durationSeconds == b.durationSeconds
            && a.beats == b.beats && a.heartRateBPM == b.heartRateBPM && a.rmssdMilliseconds == b.rmssdMilliseconds
            && a.breathingRatePerMinute == b.breathingRatePerMinute
    }
}

/// One stored beat, as read back.
public struct StoredBeat: Sendable, Equatable {
    public var seconds: Double
    public var rrMilliseconds: Double
    /// The artifact filter's verdict once `decided`, else the verdict known on arrival.
    public var flag: String
    public var contact: Bool
    /// True once the filter has judged the beat; nil for beats recorded before verdicts were stored.
    public var decided: Bool?

    public init(seconds: Double, rrMilliseconds: Double, flag: String, contact: Bool, decided: Bool?) {
        self.seconds = seconds
        self.rrMilliseconds = rrMilliseconds
        self.flag = flag
        self.contact = contact
        self.decided = decided
    }
}

extension SessionDatabase {
    /// Window for the first/last headline values, seconds (the Task Force's short-term recording).
    static let headlineWindowSeconds = 300.0

    /// Sessions oldest first, optionally of one client and started at or after `since` (ISO 8601 UTC).
    public func sessions(client: String? = nil, since: String? = nil) throws(SessionJournalError) -> [SessionListing] {
        do {
            return try queue.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.id, s.client, s.started_at, s.ended_at, s.source, s.outcome,
                            (SELECT count(*) FROM beats WHERE session_id = s.id) AS beats,
                            coalesce((SELECT max(t) FROM (
                                SELECT max(t_s) AS t FROM beats WHERE session_id = s.id
                                UNION ALL SELECT max(t_s) FROM events WHERE session_id = s.id)), 0) AS duration_s
                        FROM sessions s
                        WHERE (?1 IS NULL OR s.client = ?1) AND (?2 IS NULL OR s.started_at >= ?2)
                        ORDER BY s.started_at, s.id
                        """, arguments: [client, since])
                return try rows.map { row in
                    let id: Int64 = row["id"]
                    let span = try Row.fetchOne(
                        db, sql: "SELECT min(t_s) AS a, max(t_s) AS b FROM snapshots WHERE session_id = ?",
                        arguments: [id])
                    let (from, to): (Double, Double) = (span?["a"] ?? 0, span?["b"] ?? 0)
                    // Halves of a session shorter than 10 minutes, so first and last never overlap.
                    let window = min(Self.headlineWindowSeconds, (to - from) / 2)
                    func means(_ condition: String, _ bound: Double) throws -> Row? {
                        try Row.fetchOne(
                            db,
                            sql: """
                                SELECT avg(hr_bpm) AS hr, avg(rmssd_ms) AS rmssd, avg(breathing_rate_per_min) AS br
                                FROM snapshots WHERE session_id = ? AND \(condition)
                                """, arguments: [id, bound])
                    }
                    let first = try means("t_s <= ?", from + window)
                    let last = try means("t_s >= ?", to - window)
                    return SessionListing(
                        id: id, client: row["client"], startedAt: row["started_at"], endedAt: row["ended_at"],
                        source: row["source"], outcome: row["outcome"], durationSeconds: row["duration_s"],
                        beats: row["beats"],
                        heartRateBPM: (first?["hr"], last?["hr"]),
                        rmssdMilliseconds: (first?["rmssd"], last?["rmssd"]),
                        breathingRatePerMinute: (first?["br"], last?["br"]))
                }
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    /// A session's beats in the order they were delivered.
    public func beats(sessionID: Int64) throws(SessionJournalError) -> [StoredBeat] {
        do {
            return try queue.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT t_s, rr_ms, flag, contact, decided FROM beats WHERE session_id = ? ORDER BY rowid",
                    arguments: [sessionID]
                ).map(Self.storedBeat)
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    /// A session's outcome and the kinds of its events in order, for checks and the report.
    public func outcome(sessionID: Int64) throws(SessionJournalError) -> (outcome: String, events: [String])? {
        do {
            return try queue.read { db in
                guard
                    let outcome = try String.fetchOne(
                        db, sql: "SELECT outcome FROM sessions WHERE id = ?", arguments: [sessionID])
                else { return nil }
                let kinds = try String.fetchAll(
                    db, sql: "SELECT kind FROM events WHERE session_id = ? ORDER BY rowid", arguments: [sessionID])
                return (outcome, kinds)
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }
}
