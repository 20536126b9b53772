// SPDX-License-Identifier: Apache-2.0
import GRDB

/// One session's row, as recorded.
public struct SessionRecord: Sendable, Equatable {
    public var id: Int64
    public var client: String?
    /// ISO 8601 UTC.
    public var startedAt: String
    public var endedAt: String?
    public var source: String
    public var strap: String?
    /// JSON text: the choices that shaped the session.
    public var settingsJSON: String
    public var outcome: String
    /// JSON text written at the end (nil for an interrupted session).
    public var summaryJSON: String?
    /// The session's id everywhere (lower-case RFC 9562 text); the integer id is one store's own.
    public var uuid: String?
    /// The kiosk the session ran on (`kiosk.id`).
    public var kioskID: String?

    public init(
        id: Int64, client: String?, startedAt: String, endedAt: String?, source: String, strap: String?,
        settingsJSON: String, outcome: String, summaryJSON: String?, uuid: String? = nil, kioskID: String? = nil
    ) {
        self.id = id
        self.client = client
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.source = source
        self.strap = strap
        self.settingsJSON = settingsJSON
        self.outcome = outcome
        self.summaryJSON = summaryJSON
        self.uuid = uuid
        self.kioskID = kioskID
    }
}

/// One event row: strap lost and back, audio underruns, user stop, crash recovery, ...
public struct StoredEvent: Sendable, Equatable {
    public var seconds: Double
    public var kind: String
    public var detail: String?

    public init(seconds: Double, kind: String, detail: String?) {
        self.seconds = seconds
        self.kind = kind
        self.detail = detail
    }
}

/// Everything the journal holds about one session, each series in recorded order.
public struct StoredSession: Sendable, Equatable {
    public var record: SessionRecord
    public var beats: [StoredBeat]
    public var snapshots: [SnapshotRow]
    public var music: [MusicRow]
    public var events: [StoredEvent]

    public init(
        record: SessionRecord, beats: [StoredBeat], snapshots: [SnapshotRow], music: [MusicRow], events: [StoredEvent]
    ) {
        self.record = record
        self.beats = beats
        self.snapshots = snapshots
        self.music = music
        self.events = events
    }
}

extension SessionDatabase {
    /// The whole session, or nil when there is no session with this id. Read in one transaction,
    /// so a session being recorded is seen at one commit.
    public func session(id: Int64) throws(SessionJournalError) -> StoredSession? {
        do {
            return try queue.read { db -> StoredSession? in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id = ?", arguments: [id])
                else { return nil }
                let record = SessionRecord(
                    id: row["id"], client: row["client"], startedAt: row["started_at"], endedAt: row["ended_at"],
                    source: row["source"], strap: row["strap"], settingsJSON: row["settings"], outcome: row["outcome"],
                    summaryJSON: row["summary"], uuid: row["uuid"], kioskID: row["kiosk_id"])
                // Columns by position, read from cursors: looking each up by name cost a lowercased
                // string per column per row, most of what `lull sync` spent reading a session.
                let beats = try Self.beats(db, sessionID: id)
                var snapshots: [SnapshotRow] = []
                let snapshotRows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT t_s, hr_bpm, rmssd_ms, sdnn_ms, breathing_rate_per_min, coherence, lf_ms2, hf_ms2,
                            artifact_pct
                        FROM snapshots WHERE session_id = ? ORDER BY rowid
                        """, arguments: [id])
                while let r = try snapshotRows.next() {
                    snapshots.append(
                        SnapshotRow(
                            seconds: r[0], heartRateBPM: r[1], rmssdMilliseconds: r[2], sdnnMilliseconds: r[3],
                            breathingRatePerMinute: r[4], coherence: r[5], lfMs2: r[6], hfMs2: r[7], artifactPercent: r[8]))
                }
                var music: [MusicRow] = []
                let musicRows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT t_s, phase, tempo_bpm, loudness_lufs, swell_breaths_per_min, swell_lu, measured_lufs,
                            tension
                        FROM music WHERE session_id = ? ORDER BY rowid
                        """, arguments: [id])
                while let r = try musicRows.next() {
                    music.append(
                        MusicRow(
                            seconds: r[0], phase: r[1], tempoBPM: r[2], loudnessLUFS: r[3], swellBreathsPerMinute: r[4],
                            swellDepthLU: r[5], measuredLUFS: r[6], tension: r[7]))
                }
                var events: [StoredEvent] = []
                let eventRows = try Row.fetchCursor(
                    db, sql: "SELECT t_s, kind, detail FROM events WHERE session_id = ? ORDER BY rowid", arguments: [id])
                while let r = try eventRows.next() { events.append(StoredEvent(seconds: r[0], kind: r[1], detail: r[2])) }
                return StoredSession(record: record, beats: beats, snapshots: snapshots, music: music, events: events)
            }
        } catch {
            throw .read(path: path, reason: Self.describe(error))
        }
    }

    /// A session's beats in the order they were delivered.
    static func beats(_ db: Database, sessionID: Int64) throws -> [StoredBeat] {
        var beats: [StoredBeat] = []
        let rows = try Row.fetchCursor(
            db, sql: "SELECT t_s, rr_ms, flag, contact, decided FROM beats WHERE session_id = ? ORDER BY rowid",
            arguments: [sessionID])
        while let r = try rows.next() {
            beats.append(StoredBeat(seconds: r[0], rrMilliseconds: r[1], flag: r[2], contact: r[3], decided: r[4]))
        }
        return beats
    }
}
