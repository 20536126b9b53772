// SPDX-License-Identifier: Apache-2.0
import GRDB

/// One session's headline, for `lull sessions`: first and last as `SessionHeadline` defines them
/// (the live summary's figures; an interrupted session has them too).
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
    /// Sessions oldest first, optionally of one client and started at or after `since` (ISO 8601 UTC).
    public func sessions(client: String? = nil, since: String? = nil) throws(SessionJournalError) -> [SessionListing] {
        do {
            return try queue.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.id, s.client, s.started_at, s.ended_at, s.source, s.outcome, s.summary,
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
                    let duration: Double = row["duration_s"]
                    let summary: String? = row["summary"]
                    // The summary's own figures when the session wrote one (SessionHeadline).
                    let snapshots =
                        SessionHeadline.parse(summary) != nil
                        ? []
                        : try Row.fetchAll(
                            db,
                            sql: """
                                SELECT t_s, hr_bpm, rmssd_ms, breathing_rate_per_min FROM snapshots
                                WHERE session_id = ? ORDER BY t_s
                                """, arguments: [id]
                        ).map {
                            SnapshotRow(
                                seconds: $0["t_s"], heartRateBPM: $0["hr_bpm"], rmssdMilliseconds: $0["rmssd_ms"],
                                sdnnMilliseconds: nil, breathingRatePerMinute: $0["breathing_rate_per_min"],
                                coherence: nil, lfMs2: nil, hfMs2: nil, artifactPercent: nil)
                        }
                    let headline = SessionHeadline.of(summaryJSON: summary, snapshots: snapshots, durationSeconds: duration)
                    let (first, last) = (headline.first, headline.last)
                    return SessionListing(
                        id: id, client: row["client"], startedAt: row["started_at"], endedAt: row["ended_at"],
                        source: row["source"], outcome: row["outcome"], durationSeconds: duration,
                        beats: row["beats"],
                        heartRateBPM: (first.heartRateBPM, last.heartRateBPM),
                        rmssdMilliseconds: (first.rmssdMilliseconds, last.rmssdMilliseconds),
                        breathingRatePerMinute: (first.breathingRatePerMinute, last.breathingRatePerMinute))
                }
            }
        } catch {
            throw .read(path: path, reason: Self.describe(error))
        }
    }

    /// A session's beats in the order they were delivered.
    public func beats(sessionID: Int64) throws(SessionJournalError) -> [StoredBeat] {
        do {
            return try queue.read { db in try Self.beats(db, sessionID: sessionID) }
        } catch {
            throw .read(path: path, reason: Self.describe(error))
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
            throw .read(path: path, reason: Self.describe(error))
        }
    }
}
