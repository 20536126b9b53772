// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB

/// An assessment with what identifies it beyond this journal: its UUID, its kiosk, and the UUID
/// of its recording while the journal keeps that session.
public struct AssessmentForSync: Sendable {
    public var assessment: StoredAssessment
    public var uuid: String
    public var kioskID: String
    public var sessionUUID: String?
}

/// One step of a stored assessment (the `steps` of the `resonance` line).
public struct StoredAssessmentStep: Sendable, Equatable {
    public var breathsPerMinute: Double
    public var peakTroughBPM: Double?
    public var lfPeakMs2: Double?
    public var lfMs2: Double?
    public var peakHz: Double?
    public var rmssdMilliseconds: Double?
    public var coherence: Double?
    public var phaseDegrees: Double?
    public var artifactPercent: Double
    public var usable: Bool
    public var followed: Bool
    public var attempts: Int

    public init(
        breathsPerMinute: Double, peakTroughBPM: Double?, lfPeakMs2: Double?, lfMs2: Double?, peakHz: Double?,
        rmssdMilliseconds: Double?, coherence: Double?, phaseDegrees: Double?, artifactPercent: Double, usable: Bool,
        followed: Bool, attempts: Int
    ) {
        self.breathsPerMinute = breathsPerMinute
        self.peakTroughBPM = peakTroughBPM
        self.lfPeakMs2 = lfPeakMs2
        self.lfMs2 = lfMs2
        self.peakHz = peakHz
        self.rmssdMilliseconds = rmssdMilliseconds
        self.coherence = coherence
        self.phaseDegrees = phaseDegrees
        self.artifactPercent = artifactPercent
        self.usable = usable
        self.followed = followed
        self.attempts = attempts
    }
}

/// One resonance-frequency assessment as the journal holds it.
public struct StoredAssessment: Sendable, Equatable {
    public var id: Int64
    /// The recording of its beats in `sessions`, while it is kept.
    public var sessionID: Int64?
    public var client: String?
    /// ISO 8601 UTC.
    public var startedAt: String
    /// Nil when the data did not follow the pace or no step was usable.
    public var breathsPerMinute: Double?
    public var confidence: Double
    public var reason: String
    public var followedPace: Bool
    /// The `{"resonance": ...}` line.
    public var resultJSON: String
    public var steps: [StoredAssessmentStep]

    public init(
        id: Int64 = 0, sessionID: Int64?, client: String?, startedAt: String, breathsPerMinute: Double?,
        confidence: Double, reason: String, followedPace: Bool, resultJSON: String, steps: [StoredAssessmentStep]
    ) {
        self.id = id
        self.sessionID = sessionID
        self.client = client
        self.startedAt = startedAt
        self.breathsPerMinute = breathsPerMinute
        self.confidence = confidence
        self.reason = reason
        self.followedPace = followedPace
        self.resultJSON = resultJSON
        self.steps = steps
    }
}

extension SessionDatabase {
    /// Stores an assessment and its steps in one transaction; returns its id.
    @discardableResult
    public func recordAssessment(_ a: StoredAssessment) throws(SessionJournalError) -> Int64 {
        do {
            return try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO assessments
                            (session_id, client, started_at, breaths_per_min, confidence, reason, followed_pace, result,
                            uuid, kiosk_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        a.sessionID, a.client, a.startedAt, a.breathsPerMinute, a.confidence, a.reason, a.followedPace,
                        a.resultJSON, SessionIdentity.newUUID(), kioskID,
                    ])
                let id = db.lastInsertedRowID
                for (index, s) in a.steps.enumerated() {
                    try db.execute(
                        sql: """
                            INSERT INTO assessment_steps (assessment_id, step_index, breaths_per_min, peak_trough_bpm,
                                lf_peak_ms2, lf_ms2, peak_hz, rmssd_ms, coherence, phase_deg, artifact_pct, usable,
                                followed, attempts)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            id, index, s.breathsPerMinute, s.peakTroughBPM, s.lfPeakMs2, s.lfMs2, s.peakHz,
                            s.rmssdMilliseconds, s.coherence, s.phaseDegrees, s.artifactPercent, s.usable, s.followed,
                            s.attempts,
                        ])
                }
                return id
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    /// Assessments oldest first, optionally of one client and started at or after `since` (ISO 8601 UTC).
    public func assessments(client: String? = nil, since: String? = nil) throws(SessionJournalError)
        -> [StoredAssessment]
    {
        try assessments(
            where: "(?1 IS NULL OR client = ?1) AND (?2 IS NULL OR started_at >= ?2)", arguments: [client, since]
        ).map(\.assessment)
    }

    /// One assessment as a clinic store keeps it.
    public func assessmentForSync(id: Int64) throws(SessionJournalError) -> AssessmentForSync? {
        try assessments(where: "id = ?1", arguments: [id]).first
    }

    /// Assessments the store named `store` has not confirmed, oldest first.
    public func assessmentsAwaitingSync(store: String) throws(SessionJournalError) -> [Int64] {
        do {
            return try queue.read { db in
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM assessments a WHERE NOT EXISTS
                            (SELECT 1 FROM assessment_sync_confirmations c WHERE c.assessment_id = a.id AND c.store = ?)
                        ORDER BY started_at, id
                        """, arguments: [store])
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    /// Records that `store` holds the assessment with this many steps.
    public func confirmAssessmentSync(assessmentID: Int64, store: String, steps: Int) throws(SessionJournalError) {
        do {
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO assessment_sync_confirmations (assessment_id, store, steps, confirmed_at)
                        VALUES (?, ?, ?, ?)
                        """, arguments: [assessmentID, store, steps, SessionRecorder.timestamp(Date())])
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    private func assessments(where condition: String, arguments: StatementArguments) throws(SessionJournalError)
        -> [AssessmentForSync]
    {
        do {
            return try queue.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT *, (SELECT uuid FROM sessions s WHERE s.id = assessments.session_id) AS session_uuid
                        FROM assessments WHERE \(condition)
                        ORDER BY started_at, id
                        """, arguments: arguments
                ).map { row in
                    let id: Int64 = row["id"]
                    let steps = try Row.fetchAll(
                        db, sql: "SELECT * FROM assessment_steps WHERE assessment_id = ? ORDER BY step_index",
                        arguments: [id]
                    ).map {
                        StoredAssessmentStep(
                            breathsPerMinute: $0["breaths_per_min"], peakTroughBPM: $0["peak_trough_bpm"],
                            lfPeakMs2: $0["lf_peak_ms2"], lfMs2: $0["lf_ms2"], peakHz: $0["peak_hz"],
                            rmssdMilliseconds: $0["rmssd_ms"], coherence: $0["coherence"], phaseDegrees: $0["phase_deg"],
                            artifactPercent: $0["artifact_pct"], usable: $0["usable"], followed: $0["followed"],
                            attempts: $0["attempts"])
                    }
                    let assessment = StoredAssessment(
                        id: id, sessionID: row["session_id"], client: row["client"], startedAt: row["started_at"],
                        breathsPerMinute: row["breaths_per_min"], confidence: row["confidence"], reason: row["reason"],
                        followedPace: row["followed_pace"], resultJSON: row["result"], steps: steps)
                    return AssessmentForSync(
                        assessment: assessment, uuid: row["uuid"], kioskID: row["kiosk_id"] ?? kioskID,
                        sessionUUID: row["session_uuid"])
                }
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }

    /// The client's most recent assessed rate (assessments that chose none are passed over).
    public func latestResonance(client: String) throws(SessionJournalError) -> (breathsPerMinute: Double, assessmentID: Int64)? {
        do {
            return try queue.read { db in
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT id, breaths_per_min FROM assessments
                            WHERE client = ? AND breaths_per_min IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1
                            """, arguments: [client])
                else { return nil }
                return (row["breaths_per_min"], row["id"])
            }
        } catch {
            throw .write(Self.describe(error))
        }
    }
}
