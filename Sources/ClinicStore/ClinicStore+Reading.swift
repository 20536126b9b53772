// SPDX-License-Identifier: Apache-2.0
import Foundation
import PostgresNIO
public import SessionStore

extension ClinicStore {
    /// The journal's timestamp text (ISO 8601 UTC with milliseconds) from a timestamptz, so both
    /// stores print the same dates.
    static func utcText(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }

    /// Sessions oldest first, as `SessionDatabase.sessions` lists them: the same headline
    /// (`SessionHeadline`: the session's own summary figures, else its snapshots).
    public func sessions(client: String?, since: String?) async throws(ClinicStoreError) -> [SessionListing] {
        try await run("list sessions") {
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT s.id, s.client, \(Self.utcText("s.started_at")), \(Self.utcText("s.ended_at")),
                            s.source, s.outcome,
                            (SELECT count(*) FROM beats b WHERE b.session_uuid = s.uuid
                                AND b.session_started_at = s.started_at),
                            coalesce(greatest(
                                (SELECT max(t_s) FROM beats b WHERE b.session_uuid = s.uuid
                                    AND b.session_started_at = s.started_at),
                                (SELECT max(t_s) FROM events e WHERE e.session_uuid = s.uuid)), 0),
                            s.summary, s.uuid::text
                        FROM sessions s
                        WHERE ($1::text IS NULL OR s.client = $1)
                            AND ($2::timestamptz IS NULL OR s.started_at >= $2::timestamptz)
                        ORDER BY s.started_at, s.id
                        """,
                    binds: Self.binds(client, since)),
                logger: logger)
            var listed: [(SessionListing, String?, String)] = []
            for try await row in rows {
                let (id, client, started, ended, source, outcome, beats, duration) = try row.decode(
                    (Int64, String?, String, String?, String, String, Int, Double).self)
                let c = row.makeRandomAccess()
                let summary = try c[8].decode(String?.self)
                let uuid = try c[9].decode(String.self)
                listed.append(
                    (
                        SessionListing(
                            id: id, client: client, startedAt: started, endedAt: ended, source: source,
                            outcome: outcome, durationSeconds: duration, beats: beats, heartRateBPM: (nil, nil),
                            rmssdMilliseconds: (nil, nil), breathingRatePerMinute: (nil, nil)), summary, uuid
                    ))
            }
            var out: [SessionListing] = []
            for (listing, summary, uuid) in listed {
                var snapshots: [SnapshotRow] = []
                if SessionHeadline.parse(summary) == nil {
                    let rows = try await connection.query(
                        """
                        SELECT t_s, hr_bpm, rmssd_ms, breathing_rate_per_min FROM snapshots
                        WHERE session_uuid = \(uuid)::uuid ORDER BY t_s
                        """, logger: logger)
                    for try await (t, hr, rmssd, br) in rows.decode((Double, Double?, Double?, Double?).self) {
                        snapshots.append(
                            SnapshotRow(
                                seconds: t, heartRateBPM: hr, rmssdMilliseconds: rmssd, sdnnMilliseconds: nil,
                                breathingRatePerMinute: br, coherence: nil, lfMs2: nil, hfMs2: nil, artifactPercent: nil))
                    }
                }
                let headline = SessionHeadline.of(
                    summaryJSON: summary, snapshots: snapshots, durationSeconds: listing.durationSeconds)
                var l = listing
                l.heartRateBPM = (headline.first.heartRateBPM, headline.last.heartRateBPM)
                l.rmssdMilliseconds = (headline.first.rmssdMilliseconds, headline.last.rmssdMilliseconds)
                l.breathingRatePerMinute = (headline.first.breathingRatePerMinute, headline.last.breathingRatePerMinute)
                out.append(l)
            }
            return out
        }
    }

    static func binds(_ values: String?...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }

    /// The whole session with the store's id `id`, each series in recorded order, or nil.
    public func session(id: Int64) async throws(ClinicStoreError) -> StoredSession? {
        try await run("read session \(id)") {
            var record: SessionRecord?
            var started = ""
            let head = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT id, client, \(Self.utcText("started_at")), \(Self.utcText("ended_at")), source, strap,
                            settings, outcome, summary, uuid::text, kiosk_id, started_at::text
                        FROM sessions WHERE id = $1
                        """, binds: { var b = PostgresBindings(); b.append(id); return b }()),
                logger: logger)
            for try await row in head {
                let (id, client, startedAt, endedAt, source, strap, settings, outcome) = try row.decode(
                    (Int64, String?, String, String?, String, String?, String, String).self)
                let c = row.makeRandomAccess()
                let summary = try c[8].decode(String?.self)
                let uuid = try c[9].decode(String.self)
                let kiosk = try c[10].decode(String.self)
                record = SessionRecord(
                    id: id, client: client, startedAt: startedAt, endedAt: endedAt, source: source, strap: strap,
                    settingsJSON: settings, outcome: outcome, summaryJSON: summary, uuid: uuid, kioskID: kiosk)
                started = try c[11].decode(String.self)
            }
            guard let record, let uuid = record.uuid else { return nil }
            var beats: [StoredBeat] = []
            for try await (t, rr, flag, contact, decided) in try await connection.query(
                """
                SELECT t_s, rr_ms, flag, contact, decided FROM beats
                WHERE session_uuid = \(uuid)::uuid AND session_started_at = \(started)::timestamptz ORDER BY seq
                """, logger: logger
            ).decode((Double, Double, String, Bool, Bool?).self) {
                beats.append(StoredBeat(seconds: t, rrMilliseconds: rr, flag: flag, contact: contact, decided: decided))
            }
            var snapshots: [SnapshotRow] = []
            for try await (t, hr, rmssd, sdnn, br, coh, lf, hf, art) in try await connection.query(
                """
                SELECT t_s, hr_bpm, rmssd_ms, sdnn_ms, breathing_rate_per_min, coherence, lf_ms2, hf_ms2, artifact_pct
                FROM snapshots WHERE session_uuid = \(uuid)::uuid ORDER BY seq
                """, logger: logger
            ).decode((Double, Double?, Double?, Double?, Double?, Double?, Double?, Double?, Double?).self) {
                snapshots.append(
                    SnapshotRow(
                        seconds: t, heartRateBPM: hr, rmssdMilliseconds: rmssd, sdnnMilliseconds: sdnn,
                        breathingRatePerMinute: br, coherence: coh, lfMs2: lf, hfMs2: hf, artifactPercent: art))
            }
            var music: [MusicRow] = []
            for try await (t, phase, tempo, loudness, swell, depth, measured, tension) in try await connection.query(
                """
                SELECT t_s, phase, tempo_bpm, loudness_lufs, swell_breaths_per_min, swell_lu, measured_lufs, tension
                FROM music WHERE session_uuid = \(uuid)::uuid ORDER BY seq
                """, logger: logger
            ).decode((Double, String, Double, Double, Double, Double, Double?, Double?).self) {
                music.append(
                    MusicRow(
                        seconds: t, phase: phase, tempoBPM: tempo, loudnessLUFS: loudness,
                        swellBreathsPerMinute: swell, swellDepthLU: depth, measuredLUFS: measured, tension: tension))
            }
            var events: [StoredEvent] = []
            for try await (t, kind, detail) in try await connection.query(
                "SELECT t_s, kind, detail FROM events WHERE session_uuid = \(uuid)::uuid ORDER BY seq", logger: logger
            ).decode((Double, String, String?).self) {
                events.append(StoredEvent(seconds: t, kind: kind, detail: detail))
            }
            return StoredSession(record: record, beats: beats, snapshots: snapshots, music: music, events: events)
        }
    }
}

extension ClinicStore {
    /// Resonance assessments oldest first, as `SessionDatabase.assessments` lists them; `id` is the
    /// store's own, `sessionID` the store's id of the recording while the store holds it.
    public func assessments(client: String?, since: String?) async throws(ClinicStoreError) -> [StoredAssessment] {
        try await run("list assessments") {
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT a.id, (SELECT s.id FROM sessions s WHERE s.uuid = a.session_uuid), a.client,
                            \(Self.utcText("a.started_at")), a.breaths_per_min, a.confidence, a.reason,
                            a.followed_pace, a.result, a.uuid::text
                        FROM assessments a
                        WHERE ($1::text IS NULL OR a.client = $1)
                            AND ($2::timestamptz IS NULL OR a.started_at >= $2::timestamptz)
                        ORDER BY a.started_at, a.id
                        """,
                    binds: Self.binds(client, since)),
                logger: logger)
            var listed: [(StoredAssessment, String)] = []
            for try await row in rows {
                let (id, sessionID, client, started, rate, confidence, reason) = try row.decode(
                    (Int64, Int64?, String?, String, Double?, Double, String).self)
                let c = row.makeRandomAccess()
                listed.append(
                    (
                        StoredAssessment(
                            id: id, sessionID: sessionID, client: client, startedAt: started, breathsPerMinute: rate,
                            confidence: confidence, reason: reason, followedPace: try c[7].decode(Bool.self),
                            resultJSON: try c[8].decode(String.self), steps: []),
                        try c[9].decode(String.self)
                    ))
            }
            var out: [StoredAssessment] = []
            for (assessment, uuid) in listed {
                var a = assessment
                let steps = try await connection.query(
                    """
                    SELECT breaths_per_min, peak_trough_bpm, lf_peak_ms2, lf_ms2, peak_hz, rmssd_ms, coherence,
                        phase_deg, artifact_pct, usable, followed, attempts
                    FROM assessment_steps WHERE assessment_uuid = \(uuid)::uuid ORDER BY step_index
                    """, logger: logger)
                for try await row in steps {
                    let (rate, peakTrough, lfPeak, lf, hz, rmssd, coherence) = try row.decode(
                        (Double, Double?, Double?, Double?, Double?, Double?, Double?).self)
                    let c = row.makeRandomAccess()
                    a.steps.append(
                        StoredAssessmentStep(
                            breathsPerMinute: rate, peakTroughBPM: peakTrough, lfPeakMs2: lfPeak, lfMs2: lf, peakHz: hz,
                            rmssdMilliseconds: rmssd, coherence: coherence, phaseDegrees: try c[7].decode(Double?.self),
                            artifactPercent: try c[8].decode(Double.self), usable: try c[9].decode(Bool.self),
                            followed: try c[10].decode(Bool.self), attempts: Int(try c[11].decode(Int32.self))))
                }
                out.append(a)
            }
            return out
        }
    }
}

/// The clinic store behind the synchronous `SessionReading` protocol, for the reading verbs
/// (`lull sessions`, `report`, `export`), which run on the main thread: each call waits there for
/// the asynchronous query, which runs on PostgresNIO's event loop, never blocking the task pool.
public final class ClinicStoreReader: SessionReading, Sendable {
    let store: ClinicStore
    public var location: String { store.url.description }

    public init(url: StoreURL, passwordFile: String?, environment: [String: String]) throws {
        store = try blockingWait { try await ClinicStore.connect(url, passwordFile: passwordFile, environment: environment) }
    }

    public func sessions(client: String?, since: String?) throws -> [SessionListing] {
        try blockingWait { [store] in try await store.sessions(client: client, since: since) }
    }

    public func session(id: Int64) throws -> StoredSession? {
        try blockingWait { [store] in try await store.session(id: id) }
    }

    public func assessments(client: String?, since: String?) throws -> [StoredAssessment] {
        try blockingWait { [store] in try await store.assessments(client: client, since: since) }
    }

    public func close() { blockingWait { [store] in await store.close() } }
}

/// Waits on this thread for an async operation, for synchronous callers (the command line's main
/// thread, the `SessionReading` protocol the journal's readers share).
///
/// The operation runs on its own serial executor, never on Swift concurrency's cooperative pool:
/// a caller that is itself a pool thread (a test, a blocking adapter) would otherwise hold one of
/// the pool's few threads (one per core) in `wait()` while the operation waits for one, and on a
/// 2-core machine two such callers stall each other for good.
public func blockingWait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task(executorPreference: BridgeExecutor.shared) {
        do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return try box.get()
}

/// A task executor on one Dispatch queue (its own thread, outside the cooperative pool), where
/// `blockingWait`'s operations run between their suspensions (SE-0417).
final class BridgeExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = BridgeExecutor()
    private let queue = DispatchQueue(label: "lull.clinic-store.bridge")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

func blockingWait(_ body: @escaping @Sendable () async -> Void) {
    _ = try? blockingWait { () async throws -> Int in
        await body()
        return 0
    }
}

final class ResultBox<T: Sendable>: @unchecked Sendable {
    // Written once by the task before the semaphore's signal, read after the wait: the semaphore
    // orders the two accesses.
    private var result: Result<T, any Error>?
    func set(_ value: Result<T, any Error>) { result = value }
    func get() throws -> T { try result!.get() }
}
