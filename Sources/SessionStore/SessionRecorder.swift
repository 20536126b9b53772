// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB

/// How a recorded session ended. `running` while it is recorded; `interrupted` when its process
/// died (set at the next open) or it stopped on an error.
public enum SessionOutcome: String, Sendable, CaseIterable {
    case running
    case complete
    case endedEarly = "ended_early"
    case interrupted
}

/// One HRV snapshot row (the journal keeps one every 5 s of session time).
public struct SnapshotRow: Sendable, Equatable {
    public var seconds: Double
    public var heartRateBPM: Double?
    public var rmssdMilliseconds: Double?
    public var sdnnMilliseconds: Double?
    public var breathingRatePerMinute: Double?
    public var coherence: Double?
    public var lfMs2: Double?
    public var hfMs2: Double?
    public var artifactPercent: Double?

    public init(
        seconds: Double, heartRateBPM: Double?, rmssdMilliseconds: Double?, sdnnMilliseconds: Double?,
        breathingRatePerMinute: Double?, coherence: Double?, lfMs2: Double?, hfMs2: Double?, artifactPercent: Double?
    ) {
        self.seconds = seconds
        self.heartRateBPM = heartRateBPM
        self.rmssdMilliseconds = rmssdMilliseconds
        self.sdnnMilliseconds = sdnnMilliseconds
        self.breathingRatePerMinute = breathingRatePerMinute
        self.coherence = coherence
        self.lfMs2 = lfMs2
        self.hfMs2 = hfMs2
        self.artifactPercent = artifactPercent
    }
}

/// One music row: the target the guidance set, and the loudness the audio actually measured.
public struct MusicRow: Sendable, Equatable {
    public var seconds: Double
    public var phase: String
    public var tempoBPM: Double
    public var loudnessLUFS: Double
    public var swellBreathsPerMinute: Double
    public var swellDepthLU: Double
    public var measuredLUFS: Double?
    /// The music's tension, 0 calm ... 1 tense (nil in rows written before the journal had it).
    public var tension: Double?

    public init(
        seconds: Double, phase: String, tempoBPM: Double, loudnessLUFS: Double, swellBreathsPerMinute: Double,
        swellDepthLU: Double, measuredLUFS: Double?, tension: Double? = nil
    ) {
        self.tension = tension
        self.seconds = seconds
        self.phase = phase
        self.tempoBPM = tempoBPM
        self.loudnessLUFS = loudnessLUFS
        self.swellBreathsPerMinute = swellBreathsPerMinute
        self.swellDepthLU = swellDepthLU
        self.measuredLUFS = measuredLUFS
    }
}

/// The zero of `SessionRecorder.monotonicSeconds`: only differences are used.
private let monotonicOrigin = ContinuousClock.now

/// Records one session into the journal. Used from one task (the session loop), so it is a plain
/// class and not `Sendable`.
///
/// Rows are buffered and committed in one transaction once at least `commitEverySeconds` (0.5 s)
/// of wall time has passed since the last commit (checked on every call; the session loop calls
/// `tick` at least every 0.2 s while it waits for a beat), and at `finish`: a row waits at most
/// about 0.7 s, so a power cut loses at most the last second. A failed write
/// never throws into the session, because the music must not stop for the journal: the first
/// failure is reported through `report` (one line) and the rows are kept to retry at the next commit.
///
/// A journal that cannot be written (a full disk) is a `journal_error` event at the session time
/// the writes started failing, written with the kept rows once they can be. When the end of the
/// session cannot be written (or kept rows had to be dropped), the session is closed as
/// `interrupted` with a `journal_unwritable` event giving the reason, and its summary stays in
/// memory until `retryClose()` writes them: what was committed before stays as it was.
public final class SessionRecorder {
    public let database: SessionDatabase
    /// The session being written; nil before it starts and once it is closed.
    public private(set) var sessionID: Int64?
    /// The journal's id of the session this recorder wrote, kept after it is closed (what an
    /// assessment names as its recording once the session has ended).
    public private(set) var recordedSessionID: Int64?
    /// Rows written, for tests and the end-of-session line.
    public private(set) var committedRows = 0
    public private(set) var failedCommits = 0
    /// Session time of the newest beat or event handed in, seconds (where an error is placed).
    public private(set) var lastSeconds = 0.0
    /// Why the last commit failed, nil once one succeeds (for `lull status`).
    public private(set) var writeError: String?
    /// Kept rows dropped because writes failed for too long.
    public private(set) var droppedRows = 0
    /// True after `finish` while the session's end waits for the journal to accept it.
    public var awaitingClose: Bool { closing != nil }

    private let commitEverySeconds: Double
    private let now: () -> Double
    private let report: (String) -> Void
    private var pending: [PendingRow] = []
    private var lastCommitSeconds: Double
    /// The outcome and summary `finish` was given, kept until they are written.
    private var closing: (outcome: SessionOutcome, summary: String?)?
    /// Buffer limit while writes fail, so a dead disk cannot grow memory without bound (about
    /// 14 hours of beats at 70 bpm); past it the oldest rows are dropped.
    private let maxPendingRows = 60_000

    enum PendingRow: Sendable {
        case beat(seconds: Double, rrMilliseconds: Double, flag: String, contact: Bool)
        case flag(seconds: Double, flag: String)
        case snapshot(SnapshotRow)
        case music(MusicRow)
        case event(seconds: Double, kind: String, detail: String?)
    }

    /// - Parameters:
    ///   - now: a monotonic clock in seconds (injected so tests can step it).
    ///   - report: where the one-line failure message goes (stderr in `lull session`).
    public init(
        database: SessionDatabase, commitEverySeconds: Double = 0.5,
        now: @escaping () -> Double = SessionRecorder.monotonicSeconds,
        report: @escaping (String) -> Void
    ) {
        self.database = database
        self.commitEverySeconds = commitEverySeconds
        self.now = now
        self.report = report
        lastCommitSeconds = now()
    }

    /// Seconds on the monotonic clock (never jumps with the wall clock).
    public static func monotonicSeconds() -> Double {
        let d = ContinuousClock.now - monotonicOrigin
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Creates the session row (outcome `running`) and commits it at once, so even a session that
    /// dies in its first second is found and marked interrupted. Throws: with no session row there
    /// is nothing to record into, and the caller says so before the session starts.
    public func start(client: String?, source: String, strap: String?, settings settingsJSON: String)
        throws(SessionJournalError) -> Int64
    {
        let startedAt = Self.timestamp(Date())
        do {
            let id = try database.queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO sessions (client, started_at, source, strap, settings, outcome, pid, uuid, kiosk_id)
                        VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)
                        """,
                    arguments: [
                        client, startedAt, source, strap, settingsJSON, Int(getpid()), SessionIdentity.newUUID(),
                        database.kioskID,
                    ])
                return db.lastInsertedRowID
            }
            sessionID = id
            recordedSessionID = id
            lastCommitSeconds = now()
            return id
        } catch {
            throw .write(SessionDatabase.describe(error))
        }
    }

    /// One beat as the source delivered it (`flag` is the verdict known on arrival).
    public func beat(seconds: Double, rrMilliseconds: Double, flag: String, contact: Bool) {
        lastSeconds = max(lastSeconds, seconds)
        append(.beat(seconds: seconds, rrMilliseconds: rrMilliseconds, flag: flag, contact: contact))
    }

    /// The artifact filter's verdict on the beat recorded at `seconds` (it decides a few beats after
    /// arrival): replaces the arrival flag and marks the beat decided. Given for every beat, `ok` too,
    /// so an undecided beat in the journal means the session ended before its verdict.
    public func flagBeat(seconds: Double, flag: String) { append(.flag(seconds: seconds, flag: flag)) }

    public func snapshot(_ row: SnapshotRow) { append(.snapshot(row)) }
    public func music(_ row: MusicRow) { append(.music(row)) }
    public func event(seconds: Double, kind: String, detail: String? = nil) {
        lastSeconds = max(lastSeconds, seconds)
        append(.event(seconds: seconds, kind: kind, detail: detail))
    }

    /// Commits when a second has passed; for the session loop to call while no beats come.
    public func tick() { commitIfDue() }

    /// Commits what is buffered and sets the outcome and summary, in one transaction. When that
    /// cannot be written, the session is to be closed as `interrupted` by `retryClose()`.
    public func finish(outcome: SessionOutcome, summaryJSON: String?) {
        guard sessionID != nil else { return }
        if closing != nil {
            // A second finish (an error after the end): the kept summary stays.
            closing = (.interrupted, closing?.summary ?? summaryJSON)
            _ = retryClose()
            return
        }
        closing = (outcome, summaryJSON)
        if droppedRows == 0 && commit() { return }
        closing = (.interrupted, summaryJSON)
        pending.append(.event(seconds: lastSeconds, kind: JournalEventKind.journalUnwritable.rawValue, detail: unwritableDetail))
        commit()
    }

    /// Tries again to write what `finish` could not; true once the session is closed (or was).
    @discardableResult
    public func retryClose() -> Bool {
        guard closing != nil else { return true }
        return commit()
    }

    private var unwritableDetail: String {
        var text = "the journal could not be written when the session ended (\(writeError ?? "write failed"))"
        if droppedRows > 0 { text += "; \(droppedRows) rows dropped" }
        return text + "; closed when writing was possible again"
    }

    private func append(_ row: PendingRow) {
        guard sessionID != nil, closing == nil else { return }
        pending.append(row)
        if pending.count > maxPendingRows {
            droppedRows += pending.count - maxPendingRows
            pending.removeFirst(pending.count - maxPendingRows)
        }
        commitIfDue()
    }

    private func commitIfDue() {
        guard sessionID != nil, closing == nil, !pending.isEmpty, now() - lastCommitSeconds >= commitEverySeconds
        else { return }
        commit()
    }

    /// Writes the kept rows (and the close, after `finish`); true when written.
    @discardableResult
    private func commit() -> Bool {
        guard let id = sessionID else { return true }
        let rows = pending
        let finishing = closing
        let endedAt = finishing == nil ? nil : Self.timestamp(Date())
        lastCommitSeconds = now()
        do {
            try database.queue.write { db in
                try Self.insert(rows, sessionID: id, db: db)
                if let finishing {
                    try db.execute(
                        sql: "UPDATE sessions SET outcome = ?, summary = ?, ended_at = ? WHERE id = ?",
                        arguments: [finishing.outcome.rawValue, finishing.summary, endedAt, id])
                }
            }
            pending.removeAll(keepingCapacity: true)
            committedRows += rows.count
            writeError = nil
            if finishing != nil {
                closing = nil
                sessionID = nil
            }
            return true
        } catch {
            failedCommits += 1
            let reason = SessionDatabase.describe(error)
            if writeError == nil {
                // Where the gap starts, written with the kept rows once the journal takes them.
                pending.append(.event(seconds: lastSeconds, kind: JournalEventKind.journalError.rawValue, detail: reason))
            }
            writeError = reason
            if failedCommits == 1 {
                report("\(SessionJournalError.write(reason)); the session goes on, retrying")
            }
            return false
        }
    }

    private static func insert(_ rows: [PendingRow], sessionID id: Int64, db: Database) throws {
        for row in rows {
            switch row {
            case .beat(let t, let rr, let flag, let contact):
                try db.cachedStatement(
                    sql: "INSERT INTO beats (session_id, t_s, rr_ms, flag, contact, decided) VALUES (?, ?, ?, ?, ?, 0)"
                ).execute(arguments: [id, t, rr, flag, contact])
            case .flag(let t, let flag):
                // The newest beat at that time: within a session beat times only increase.
                try db.cachedStatement(
                    sql: """
                        UPDATE beats SET flag = ?, decided = 1 WHERE rowid = (
                            SELECT rowid FROM beats WHERE session_id = ? AND t_s = ? ORDER BY rowid DESC LIMIT 1)
                        """
                ).execute(arguments: [flag, id, t])
            case .snapshot(let s):
                try db.cachedStatement(
                    sql: """
                        INSERT INTO snapshots (session_id, t_s, hr_bpm, rmssd_ms, sdnn_ms, breathing_rate_per_min,
                            coherence, lf_ms2, hf_ms2, artifact_pct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    id, s.seconds, finite(s.heartRateBPM), finite(s.rmssdMilliseconds), finite(s.sdnnMilliseconds),
                    finite(s.breathingRatePerMinute), finite(s.coherence), finite(s.lfMs2), finite(s.hfMs2),
                    finite(s.artifactPercent),
                ])
            case .music(let m):
                try db.cachedStatement(
                    sql: """
                        INSERT INTO music (session_id, t_s, phase, tempo_bpm, loudness_lufs, swell_breaths_per_min,
                            swell_lu, measured_lufs, tension) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    id, m.seconds, m.phase, m.tempoBPM, m.loudnessLUFS, m.swellBreathsPerMinute, m.swellDepthLU,
                    finite(m.measuredLUFS), finite(m.tension),
                ])
            case .event(let t, let kind, let detail):
                try db.cachedStatement(
                    sql: "INSERT INTO events (session_id, t_s, kind, detail) VALUES (?, ?, ?, ?)"
                ).execute(arguments: [id, t, kind, detail])
            }
        }
    }

    /// SQLite has no NaN or infinity (it stores NULL for NaN); say "unknown" explicitly.
    private static func finite(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? $0 : nil } }

    /// ISO 8601 UTC with milliseconds: sorts as text, reads in the sqlite3 shell. The format style is
    /// FoundationEssentials' own Swift code; ISO8601DateFormatter would build an ICU formatter each call.
    static func timestamp(_ date: Date) -> String { iso8601.format(date) }

    private static let iso8601 = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
