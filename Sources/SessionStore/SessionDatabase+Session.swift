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
                let beats = try Row.fetchAll(
                    db, sql: "SELECT t_s, rr_ms, flag, contact, decided FROM beats WHERE session_id = ? ORDER BY rowid",
                    arguments: [id]
                ).map(Self.storedBeat)
                let snapshots = try Row.fetchAll(
                    db, sql: "SELECT * FROM snapshots WHERE session_id = ? ORDER BY rowid", arguments: [id]
                ).map {
                    SnapshotRow(
                        seconds: $0["t_s"], heartRateBPM: $0["hr_bpm"], rmssdMilliseconds: $0["rmssd_ms"],
                        sdnnMilliseconds: $0["sdnn_ms"], breathingRatePerMinute: $0["breathing_rate_per_min"],
                        coherence: $0["coherence"], lfMs2: $0["lf_ms2"], hfMs2: $0["hf_ms2"],
                        artifactPercent: $0["artifact_pct"])
                }
                let music = try Row.fetchAll(
                    db, sql: "SELECT * FROM music WHERE session_id = ? ORDER BY rowid", arguments: [id]
                ).map {
                    MusicRow(
                        seconds: $0["t_s"], phase: $0["phase"], tempoBPM: $0["tempo_bpm"],
                        loudnessLUFS: $0["loudness_lufs"], swellBreathsPerMinute: $0["swell_breaths_per_min"],
                        swellDepthLU: $0["swell_lu"], measuredLUFS: $0["measured_lufs"])
                }
                let events = try Row.fetchAll(
                    db, sql: "SELECT t_s, kind, detail FROM events WHERE session_id = ? ORDER BY rowid",
                    arguments: [id]
                ).map { StoredEvent(seconds: $0["t_s"], kind: $0["kind"], detail: $0["detail"]) }
                return StoredSession(record: record, beats: beats, snapshots: snapshots, music: music, events: events)
            }
        } catch {
            throw .read(path: path, reason: Self.describe(error))
        }
    }

    static func storedBeat(_ row: Row) -> StoredBeat {
        StoredBeat(
            seconds: row["t_s"], rrMilliseconds: row["rr_ms"], flag: row["flag"], contact: row["contact"],
            decided: row["decided"])
    }
}
