// SPDX-License-Identifier: Apache-2.0
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
public import SessionStore

/// One connection to the clinic's PostgreSQL store. An adapter: it speaks SQL, the journal's value
/// types go in and come out. Queries bind every value (no text is spliced into SQL).
public final class ClinicStore: Sendable {
    public let url: StoreURL
    let connection: PostgresConnection
    let logger: Logger

    /// Connects as the URL says; the password comes from the URL, `passwordFile` or systemd's
    /// credentials (`StoreURL.resolvedPassword`), and never appears in an error or a log line.
    public static func connect(
        _ url: StoreURL, passwordFile: String? = nil, environment: [String: String] = [:],
        connectTimeoutSeconds: Int64 = 10, logger: Logger = Logger(label: "lull.store")
    ) async throws -> ClinicStore {
        let password = try url.resolvedPassword(passwordFile: passwordFile, environment: environment)
        var configuration: PostgresConnection.Configuration
        if let socketPath = url.socketPath {
            configuration = .init(
                unixSocketPath: socketPath, username: url.user, password: password, database: url.database)
        } else {
            configuration = .init(
                host: url.host ?? "localhost", port: url.port, username: url.user, password: password,
                database: url.database, tls: try Self.tls(url))
        }
        configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 1, logger: logger)
            return ClinicStore(url: url, connection: connection, logger: logger)
        } catch {
            throw ClinicStoreError("\(url): cannot connect: \(Self.describe(error))")
        }
    }

    init(url: StoreURL, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
    }

    public func close() async { try? await connection.close() }

    /// Closes, waiting at most `seconds`: a connection the server dropped mid-transaction may never
    /// finish closing (see withDeadline), and nothing is waiting on it any more.
    public func close(withinSeconds seconds: Double) async {
        _ = try? await withDeadline(seconds: seconds, onTimeout: { CancellationError() }) { [self] in await close() }
    }

    /// libpq's sslmode (PostgreSQL 15 docs §34.19.1 table 34.1): disable: plain; allow/prefer: TLS
    /// when offered, unverified; require: TLS, unverified; verify-ca: the chain to a trusted root;
    /// verify-full: the chain and the host name (RFC 6125).
    static func tls(_ url: StoreURL) throws(ClinicStoreError) -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable: return .disable
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let root = url.sslRootCertificate { tls.trustRoots = .file(root) }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: tls) } catch {
            throw ClinicStoreError("\(url): cannot set up TLS: \(error)")
        }
        return url.sslMode == .require || url.sslMode == .verifyCA || url.sslMode == .verifyFull
            ? .require(context) : .prefer(context)
    }

    /// One line from a PostgresNIO error: the server's message and SQLSTATE, else the client's code.
    /// PSQLError's own description is deliberately opaque, and it never holds the password.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? ClinicStoreError { return error.description }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
            }
            // PSQLError's own description is a placeholder ("Generic description to prevent
            // accidental leakage..."): say the code in words, and what lies under it.
            if error.code == .serverClosedConnection { return "the server closed the connection" }
            if let underlying = error.underlying {
                let said = describe(underlying)
                return said.hasPrefix("TLS: ") ? said : "\(error.code): \(said)"
            }
            return "\(error.code)"
        }
        if let error = error as? PostgresTransactionError {
            return describe(error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error)
        }
        // TLS verification (sslmode=verify-ca / verify-full) in words, not BoringSSL's codes.
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "TLS: the server's certificate is not for this host name (sslmode=verify-full)"
        }
        if let error = error as? NIOSSLError, case .handshakeFailed(let reason) = error,
            "\(reason)".contains("CERTIFICATE_VERIFY_FAILED")
        {
            return "TLS: the server's certificate is not signed by a trusted root (sslrootcert, else the system's)"
        }
        return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }

    /// Runs `body`, turning any PostgreSQL error into one line that names the store.
    func run<T>(_ what: String, _ body: () async throws -> T) async throws(ClinicStoreError) -> T {
        do { return try await body() } catch {
            throw ClinicStoreError("\(url): \(what): \(Self.describe(error))")
        }
    }

    // MARK: Migrations

    /// Applies the migrations the store lacks; returns the names applied (empty when up to date).
    @discardableResult
    public func migrate() async throws(ClinicStoreError) -> [String] {
        try await run("migrate") {
            _ = try await connection.query(PostgresQuery(unsafeSQL: StoreSchema.bootstrap), logger: logger).collect()
            _ = try await connection.query("SELECT pg_advisory_lock(\(StoreSchema.lockKey))", logger: logger).collect()
            var applied: [String] = []
            do {
                var done = Set<Int>()
                for try await version in try await connection.query(
                    "SELECT version FROM lull_schema_migrations", logger: logger
                ).decode(Int.self) { done.insert(version) }
                if let newest = done.max(), newest > (StoreSchema.migrations.map(\.version).max() ?? 0) {
                    throw ClinicStoreError("the store's schema is newer than this Lull's (version \(newest))")
                }
                for migration in StoreSchema.migrations where !done.contains(migration.version) {
                    try await connection.withTransaction(logger: logger) { c in
                        for statement in migration.statements {
                            _ = try await c.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                        }
                        _ = try await c.query(
                            "INSERT INTO lull_schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                            logger: logger).collect()
                    }
                    applied.append("\(migration.version)-\(migration.name)")
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(StoreSchema.lockKey))", logger: logger)
                throw error
            }
            _ = try await connection.query("SELECT pg_advisory_unlock(\(StoreSchema.lockKey))", logger: logger).collect()
            return applied
        }
    }

    // MARK: Sending

    /// Optional columns bound as arrays: nil travels as NaN, which the statements turn back into
    /// NULL (`nullif(x, 'NaN')`; the journal stores no NaN, SessionRecorder writes NULL for it).
    static func nanForNil(_ values: [Double?]) -> [Double] { values.map { $0 ?? .nan } }

    /// A connection the server closed while it was idle (a crash between two pushes) takes no
    /// more queries: PostgresNIO's next query on it was seen to wait for good.
    private func requireOpen(_ what: String) throws(ClinicStoreError) {
        guard !connection.isClosed else { throw ClinicStoreError("\(url): \(what): the store closed the connection") }
    }

    /// Rows per INSERT of beats: one statement binds each column as one array (`unnest`), so the
    /// 65,535-parameter limit does not apply; this bounds one message to a few hundred kB.
    static let beatsPerStatement = 10_000

    /// Stores one finished session and all its rows in one transaction. A session the store has
    /// already (an earlier attempt that committed but was not confirmed) is left as it is: its
    /// rows went in with its session row. Returns what the store holds of the session afterwards,
    /// read back after the commit.
    public func push(_ session: StoredSession) async throws(ClinicStoreError) -> SyncConfirmation {
        let r = session.record
        guard let uuid = r.uuid, let kiosk = r.kioskID else {
            throw ClinicStoreError("session \(r.id) has no UUID or kiosk id (journal not migrated)")
        }
        // Every statement's result is read to its end (`collect()`): a result left unread holds the
        // connection's next query back, and when the server went away in that state the waiting
        // query was never failed (lull sync hung until its deadline).
        try requireOpen("session \(r.id) (\(uuid))")
        return try await run("session \(r.id) (\(uuid))") {
            try await connection.withTransaction(logger: logger) { c in
                let inserted = try await c.query(
                    """
                    INSERT INTO sessions (uuid, kiosk_id, local_id, client, started_at, ended_at, source, strap,
                        settings, outcome, summary)
                    VALUES (\(uuid)::uuid, \(kiosk), \(r.id), \(r.client), \(r.startedAt)::timestamptz,
                        \(r.endedAt)::timestamptz, \(r.source), \(r.strap), \(r.settingsJSON), \(r.outcome),
                        \(r.summaryJSON))
                    ON CONFLICT (uuid) DO NOTHING
                    RETURNING 1
                    """, logger: logger
                ).collect()
                // Already stored, with all its rows (they went in with it): nothing more to send.
                guard !inserted.isEmpty else { return }
                _ = try await c.query("SELECT lull_beats_partition(\(r.startedAt)::timestamptz)", logger: logger).collect()
                var start = 0
                while start < session.beats.count {
                    let slice = session.beats[start..<min(start + Self.beatsPerStatement, session.beats.count)]
                    _ = try await c.query(
                        """
                        INSERT INTO beats (session_uuid, session_started_at, seq, t_s, rr_ms, flag, contact, decided)
                        SELECT \(uuid)::uuid, \(r.startedAt)::timestamptz, u.seq, u.t, u.rr, u.flag, u.contact,
                            CASE u.d WHEN 0 THEN false WHEN 1 THEN true END
                        FROM unnest(\(slice.indices.map { Int32($0) }), \(slice.map(\.seconds)),
                            \(slice.map(\.rrMilliseconds)), \(slice.map(\.flag)), \(slice.map(\.contact)),
                            \(slice.map { Int16($0.decided.map { $0 ? 1 : 0 } ?? -1) }))
                            AS u(seq, t, rr, flag, contact, d)
                        """, logger: logger).collect()
                    start += Self.beatsPerStatement
                }
                let s = session.snapshots
                _ = try await c.query(
                    """
                    INSERT INTO snapshots (session_uuid, seq, t_s, hr_bpm, rmssd_ms, sdnn_ms, breathing_rate_per_min,
                        coherence, lf_ms2, hf_ms2, artifact_pct)
                    SELECT \(uuid)::uuid, u.seq, u.t, nullif(u.hr, 'NaN'), nullif(u.rmssd, 'NaN'),
                        nullif(u.sdnn, 'NaN'), nullif(u.br, 'NaN'), nullif(u.coh, 'NaN'), nullif(u.lf, 'NaN'),
                        nullif(u.hf, 'NaN'), nullif(u.art, 'NaN')
                    FROM unnest(\(s.indices.map { Int32($0) }), \(s.map(\.seconds)),
                        \(Self.nanForNil(s.map(\.heartRateBPM))), \(Self.nanForNil(s.map(\.rmssdMilliseconds))),
                        \(Self.nanForNil(s.map(\.sdnnMilliseconds))), \(Self.nanForNil(s.map(\.breathingRatePerMinute))),
                        \(Self.nanForNil(s.map(\.coherence))), \(Self.nanForNil(s.map(\.lfMs2))),
                        \(Self.nanForNil(s.map(\.hfMs2))), \(Self.nanForNil(s.map(\.artifactPercent))))
                        AS u(seq, t, hr, rmssd, sdnn, br, coh, lf, hf, art)
                    """, logger: logger).collect()
                let m = session.music
                _ = try await c.query(
                    """
                    INSERT INTO music (session_uuid, seq, t_s, phase, tempo_bpm, loudness_lufs, swell_breaths_per_min,
                        swell_lu, measured_lufs, tension)
                    SELECT \(uuid)::uuid, u.seq, u.t, u.phase, u.tempo, u.loud, u.swell, u.depth, nullif(u.measured, 'NaN'),
                        nullif(u.tension, 'NaN')
                    FROM unnest(\(m.indices.map { Int32($0) }), \(m.map(\.seconds)), \(m.map(\.phase)),
                        \(m.map(\.tempoBPM)), \(m.map(\.loudnessLUFS)), \(m.map(\.swellBreathsPerMinute)),
                        \(m.map(\.swellDepthLU)), \(Self.nanForNil(m.map(\.measuredLUFS))),
                        \(Self.nanForNil(m.map(\.tension))))
                        AS u(seq, t, phase, tempo, loud, swell, depth, measured, tension)
                    """, logger: logger).collect()
                let e = session.events
                _ = try await c.query(
                    """
                    INSERT INTO events (session_uuid, seq, t_s, kind, detail)
                    SELECT \(uuid)::uuid, u.seq, u.t, u.kind, CASE WHEN u.has THEN u.detail END
                    FROM unnest(\(e.indices.map { Int32($0) }), \(e.map(\.seconds)), \(e.map(\.kind)),
                        \(e.map { $0.detail ?? "" }), \(e.map { $0.detail != nil }))
                        AS u(seq, t, kind, detail, has)
                    """, logger: logger).collect()
            }
            return try await rowCounts(uuid: uuid)
        }
    }

    /// The rows the store holds of one session.
    func rowCounts(uuid: String) async throws -> SyncConfirmation {
        let rows = try await connection.query(
            """
            SELECT (SELECT count(*) FROM beats WHERE session_uuid = \(uuid)::uuid),
                (SELECT count(*) FROM snapshots WHERE session_uuid = \(uuid)::uuid),
                (SELECT count(*) FROM music WHERE session_uuid = \(uuid)::uuid),
                (SELECT count(*) FROM events WHERE session_uuid = \(uuid)::uuid)
            """, logger: logger)
        for try await (b, s, m, e) in rows.decode((Int, Int, Int, Int).self) {
            return SyncConfirmation(beats: b, snapshots: s, music: m, events: e)
        }
        return SyncConfirmation(beats: 0, snapshots: 0, music: 0, events: 0)
    }

    // MARK: Erasure

    /// Deletes every session of `client` with all its rows, and the client's assessments; returns
    /// sessions and beats. (The rows have no foreign keys to cascade along: see `StoreSchema.v2`.)
    public func forget(client: String) async throws(ClinicStoreError) -> (sessions: Int, beats: Int) {
        try await run("forget") {
            try await connection.withTransaction(logger: logger) { c in
                var beats = 0
                for try await n in try await c.query(
                    """
                    WITH gone AS (
                        DELETE FROM beats WHERE session_uuid IN (SELECT uuid FROM sessions WHERE client = \(client))
                        RETURNING 1)
                    SELECT count(*) FROM gone
                    """,
                    logger: logger
                ).decode(Int.self) { beats = n }
                for table in ["snapshots", "music", "events"] {
                    _ = try await c.query(
                        PostgresQuery(
                            unsafeSQL: "DELETE FROM \(table) WHERE session_uuid IN (SELECT uuid FROM sessions WHERE client = $1)",
                            binds: Self.binds(client)),
                        logger: logger
                    ).collect()
                }
                _ = try await c.query("DELETE FROM assessments WHERE client = \(client)", logger: logger).collect()
                var sessions = 0
                for try await n in try await c.query(
                    "WITH gone AS (DELETE FROM sessions WHERE client = \(client) RETURNING 1) SELECT count(*) FROM gone",
                    logger: logger
                ).decode(Int.self) { sessions = n }
                return (sessions, beats)
            }
        }
    }

    // MARK: Assessments

    /// Stores one assessment and its steps in one transaction (one already stored is left as it
    /// is); returns the steps the store holds of it, read back after the commit.
    public func push(_ found: AssessmentForSync) async throws(ClinicStoreError) -> Int {
        let a = found.assessment
        let (uuid, kioskID, sessionUUID) = (found.uuid, found.kioskID, found.sessionUUID)
        try requireOpen("assessment \(a.id) (\(uuid))")
        return try await run("assessment \(a.id) (\(uuid))") {
            try await connection.withTransaction(logger: logger) { c in
                let inserted = try await c.query(
                    """
                    INSERT INTO assessments (uuid, kiosk_id, local_id, session_uuid, client, started_at,
                        breaths_per_min, confidence, reason, followed_pace, result)
                    VALUES (\(uuid)::uuid, \(kioskID), \(a.id), \(sessionUUID)::uuid, \(a.client),
                        \(a.startedAt)::timestamptz, \(a.breathsPerMinute), \(a.confidence), \(a.reason),
                        \(a.followedPace), \(a.resultJSON))
                    ON CONFLICT (uuid) DO NOTHING
                    RETURNING 1
                    """, logger: logger
                ).collect()
                guard !inserted.isEmpty, !a.steps.isEmpty else { return }
                let s = a.steps
                _ = try await c.query(
                    """
                    INSERT INTO assessment_steps (assessment_uuid, step_index, breaths_per_min, peak_trough_bpm,
                        lf_peak_ms2, lf_ms2, peak_hz, rmssd_ms, coherence, phase_deg, artifact_pct, usable, followed,
                        attempts)
                    SELECT \(uuid)::uuid, u.i, u.rate, nullif(u.pt, 'NaN'), nullif(u.lfp, 'NaN'),
                        nullif(u.lf, 'NaN'), nullif(u.hz, 'NaN'), nullif(u.rmssd, 'NaN'), nullif(u.coh, 'NaN'),
                        nullif(u.phase, 'NaN'), u.art, u.usable, u.followed, u.attempts
                    FROM unnest(\(s.indices.map { Int32($0) }), \(s.map(\.breathsPerMinute)),
                        \(Self.nanForNil(s.map(\.peakTroughBPM))), \(Self.nanForNil(s.map(\.lfPeakMs2))),
                        \(Self.nanForNil(s.map(\.lfMs2))), \(Self.nanForNil(s.map(\.peakHz))),
                        \(Self.nanForNil(s.map(\.rmssdMilliseconds))), \(Self.nanForNil(s.map(\.coherence))),
                        \(Self.nanForNil(s.map(\.phaseDegrees))),
                        \(s.map(\.artifactPercent)), \(s.map(\.usable)), \(s.map(\.followed)),
                        \(s.map { Int32($0.attempts) }))
                        AS u(i, rate, pt, lfp, lf, hz, rmssd, coh, phase, art, usable, followed, attempts)
                    """, logger: logger
                ).collect()
            }
            var steps = 0
            for try await count in try await connection.query(
                "SELECT count(*) FROM assessment_steps WHERE assessment_uuid = \(uuid)::uuid", logger: logger
            ).decode(Int.self) { steps = count }
            return steps
        }
    }
}
