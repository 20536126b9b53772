// SPDX-License-Identifier: Apache-2.0

/// The clinic store's versioned schema. Append-only like the journal's: a released migration is
/// never edited; `lull store migrate` runs the ones `lull_schema_migrations` does not list, each in
/// its own transaction, under an advisory lock so two migrating kiosks cannot race.
///
/// Layout: a session is keyed by its UUID everywhere; its rows by (session_uuid, seq), seq being the
/// row's position in the journal's recorded order. A session and all its rows go in one
/// transaction, so the session row decides: sending a session the store has stores nothing more.
/// `id` is the store's own short number for `--session ID`. Assessments are keyed by the kiosk and
/// their UUID, as sessions are.
///
/// Beats are partitioned by month of the session's start (PostgreSQL 15 docs §5.11 "Table
/// Partitioning"): they are 99% of the rows; an old month is detached or dropped whole, and a
/// report over recent sessions scans only recent partitions. A month's partition is created on
/// demand by `lull_beats_partition`, a SECURITY DEFINER function, so kiosks need no DDL right.
///
/// Row-level security (§5.8): the group role `lull_kiosk` may insert and read only rows of the
/// kiosk id its login role is mapped to in `kiosk_logins`; `lull_therapist` may only read.
/// Login roles are made by scripts/clinic-store.sh.
enum StoreSchema {
    /// Each migration is a list of statements: the extended query protocol PostgresNIO speaks takes
    /// one statement per query (PostgreSQL 15 docs §55.2.3).
    static let migrations: [(version: Int, name: String, statements: [String])] = [
        (1, "sessions-beats-rls", v1),
        (2, "assessments-children-unchecked", v2),
        (3, "music-tension", v3),
    ]

    static let lockKey: Int64 = 0x4C75_6C6C_5354  // "LullST"

    static let bootstrap = """
        CREATE TABLE IF NOT EXISTS lull_schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    static let v1: [String] = [
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lull_kiosk') THEN
                CREATE ROLE lull_kiosk NOLOGIN;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lull_therapist') THEN
                CREATE ROLE lull_therapist NOLOGIN;
            END IF;
        END $$
        """,
        """
        CREATE TABLE kiosk_logins (
            role name PRIMARY KEY,
            kiosk_id text NOT NULL
        )
        """,
        """
        -- The kiosk id of the connected login role; NULL for any other role.
        CREATE FUNCTION lull_current_kiosk() RETURNS text
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
            AS $f$ SELECT kiosk_id FROM public.kiosk_logins WHERE role = session_user $f$
        """,
        """
        CREATE TABLE sessions (
            id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            uuid uuid PRIMARY KEY,
            kiosk_id text NOT NULL,
            local_id bigint NOT NULL,
            client text,
            started_at timestamptz NOT NULL,
            ended_at timestamptz,
            source text NOT NULL,
            strap text,
            settings text NOT NULL,
            outcome text NOT NULL CHECK (outcome IN ('complete', 'ended_early', 'interrupted')),
            summary text,
            received_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE INDEX sessions_client_started ON sessions (client, started_at)
        """,
        """
        CREATE INDEX sessions_kiosk_started ON sessions (kiosk_id, started_at)
        """,
        """
        CREATE TABLE beats (
            session_uuid uuid NOT NULL REFERENCES sessions (uuid) ON DELETE CASCADE,
            session_started_at timestamptz NOT NULL,
            seq integer NOT NULL,
            t_s double precision NOT NULL,
            rr_ms double precision NOT NULL,
            flag text NOT NULL,
            contact boolean NOT NULL,
            decided boolean,
            PRIMARY KEY (session_uuid, seq, session_started_at)
        ) PARTITION BY RANGE (session_started_at)
        """,
        """
        CREATE TABLE snapshots (
            session_uuid uuid NOT NULL REFERENCES sessions (uuid) ON DELETE CASCADE,
            seq integer NOT NULL,
            t_s double precision NOT NULL,
            hr_bpm double precision,
            rmssd_ms double precision,
            sdnn_ms double precision,
            breathing_rate_per_min double precision,
            coherence double precision,
            lf_ms2 double precision,
            hf_ms2 double precision,
            artifact_pct double precision,
            PRIMARY KEY (session_uuid, seq)
        )
        """,
        """
        CREATE TABLE music (
            session_uuid uuid NOT NULL REFERENCES sessions (uuid) ON DELETE CASCADE,
            seq integer NOT NULL,
            t_s double precision NOT NULL,
            phase text NOT NULL,
            tempo_bpm double precision NOT NULL,
            loudness_lufs double precision NOT NULL,
            swell_breaths_per_min double precision NOT NULL,
            swell_lu double precision NOT NULL,
            measured_lufs double precision,
            PRIMARY KEY (session_uuid, seq)
        )
        """,
        """
        CREATE TABLE events (
            session_uuid uuid NOT NULL REFERENCES sessions (uuid) ON DELETE CASCADE,
            seq integer NOT NULL,
            t_s double precision NOT NULL,
            kind text NOT NULL,
            detail text,
            PRIMARY KEY (session_uuid, seq)
        )
        """,
        """
        -- The month's beats partition for a session started at `at`, created when missing.
        CREATE FUNCTION lull_beats_partition(at timestamptz) RETURNS text
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
            AS $f$
            DECLARE
                first date := date_trunc('month', at AT TIME ZONE 'UTC')::date;
                name text := format('beats_%s', to_char(first, 'YYYY_MM'));
            BEGIN
                IF to_regclass(name) IS NULL THEN
                    PERFORM pg_advisory_xact_lock(hashtext(name));
                    IF to_regclass(name) IS NULL THEN
                        EXECUTE format(
                            'CREATE TABLE public.%I PARTITION OF public.beats FOR VALUES FROM (%L) TO (%L)',
                            name, (first::timestamp AT TIME ZONE 'UTC'),
                            ((first + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
                    END IF;
                END IF;
                RETURN name;
            END
            $f$
        """,
        """
        REVOKE ALL ON FUNCTION lull_beats_partition(timestamptz) FROM PUBLIC
        """,
        """
        GRANT EXECUTE ON FUNCTION lull_beats_partition(timestamptz) TO lull_kiosk
        """,
        """
        ALTER TABLE sessions ENABLE ROW LEVEL SECURITY
        """,
        """
        ALTER TABLE beats ENABLE ROW LEVEL SECURITY
        """,
        """
        ALTER TABLE snapshots ENABLE ROW LEVEL SECURITY
        """,
        """
        ALTER TABLE music ENABLE ROW LEVEL SECURITY
        """,
        """
        ALTER TABLE events ENABLE ROW LEVEL SECURITY
        """,
        """
        GRANT SELECT, INSERT ON sessions, beats, snapshots, music, events TO lull_kiosk
        """,
        """
        GRANT SELECT ON sessions, beats, snapshots, music, events, kiosk_logins, lull_schema_migrations
            TO lull_therapist
        """,
        """
        CREATE POLICY kiosk_own_sessions ON sessions FOR ALL TO lull_kiosk
            USING (kiosk_id = lull_current_kiosk()) WITH CHECK (kiosk_id = lull_current_kiosk())
        """,
        """
        CREATE POLICY therapist_reads ON sessions FOR SELECT TO lull_therapist USING (true)
        """,
    ] + ["beats", "snapshots", "music", "events"].flatMap { table in
        [
            """
            CREATE POLICY kiosk_own_\(table) ON \(table) FOR ALL TO lull_kiosk
                USING (EXISTS (SELECT 1 FROM sessions s WHERE s.uuid = session_uuid))
                WITH CHECK (EXISTS (SELECT 1 FROM sessions s WHERE s.uuid = session_uuid))
            """,
            "CREATE POLICY therapist_reads ON \(table) FOR SELECT TO lull_therapist USING (true)",
        ]
    }

    /// Version 2: resonance assessments, and session rows without per-row foreign-key checks.
    ///
    /// The foreign keys from beats, snapshots, music and events to sessions cost a lookup per row
    /// (7 µs a beat here, more than half of an insert; measured with psql on 1,662-beat inserts:
    /// 18 ms with the key, 6 ms without). A session's rows are written only in the transaction that
    /// writes its session row, and a kiosk may write only rows of its own sessions (the policies
    /// above), so the keys guarded nothing a writer could break; `lull forget` deletes the rows
    /// itself where the keys cascaded.
    ///
    /// The kiosk's policy on sessions calls `lull_current_kiosk()` (SECURITY DEFINER, so never
    /// inlined) once per session row it looks at, and every beat's check looks at its session: as
    /// `(SELECT lull_current_kiosk())` it is an InitPlan, evaluated once per statement (PostgreSQL 15
    /// docs §9.23 "Subquery Expressions"; the rows' checks become an index probe each). Measured
    /// with scripts/clinic-bench.sh through a kiosk login: 34,000 beats/s before, 46,000-56,000 after.
    static let v2: [String] =
        ["beats", "snapshots", "music", "events"].map { table in
            "ALTER TABLE \(table) DROP CONSTRAINT IF EXISTS \(table)_session_uuid_fkey"
        } + [
            """
            ALTER POLICY kiosk_own_sessions ON sessions
                USING (kiosk_id = (SELECT lull_current_kiosk())) WITH CHECK (kiosk_id = (SELECT lull_current_kiosk()))
            """,
            """
            CREATE TABLE assessments (
                uuid uuid PRIMARY KEY,
                id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                kiosk_id text NOT NULL,
                local_id bigint NOT NULL,
                session_uuid uuid,
                client text,
                started_at timestamptz NOT NULL,
                breaths_per_min double precision,
                confidence double precision NOT NULL,
                reason text NOT NULL,
                followed_pace boolean NOT NULL,
                result text NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE INDEX assessments_client_started ON assessments (client, started_at)
            """,
            """
            CREATE TABLE assessment_steps (
                assessment_uuid uuid NOT NULL REFERENCES assessments (uuid) ON DELETE CASCADE,
                step_index integer NOT NULL,
                breaths_per_min double precision NOT NULL,
                peak_trough_bpm double precision,
                lf_peak_ms2 double precision,
                lf_ms2 double precision,
                peak_hz double precision,
                rmssd_ms double precision,
                coherence double precision,
                phase_deg double precision,
                artifact_pct double precision NOT NULL,
                usable boolean NOT NULL,
                followed boolean NOT NULL,
                attempts integer NOT NULL,
                PRIMARY KEY (assessment_uuid, step_index)
            )
            """,
            "ALTER TABLE assessments ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE assessment_steps ENABLE ROW LEVEL SECURITY",
            "GRANT SELECT, INSERT ON assessments, assessment_steps TO lull_kiosk",
            "GRANT SELECT ON assessments, assessment_steps TO lull_therapist",
            """
            CREATE POLICY kiosk_own_assessments ON assessments FOR ALL TO lull_kiosk
                USING (kiosk_id = (SELECT lull_current_kiosk())) WITH CHECK (kiosk_id = (SELECT lull_current_kiosk()))
            """,
            """
            CREATE POLICY kiosk_own_assessment_steps ON assessment_steps FOR ALL TO lull_kiosk
                USING (EXISTS (SELECT 1 FROM assessments a WHERE a.uuid = assessment_uuid))
                WITH CHECK (EXISTS (SELECT 1 FROM assessments a WHERE a.uuid = assessment_uuid))
            """,
            "CREATE POLICY therapist_reads ON assessments FOR SELECT TO lull_therapist USING (true)",
            "CREATE POLICY therapist_reads ON assessment_steps FOR SELECT TO lull_therapist USING (true)",
        ]

    /// The music's tension beside tempo and loudness (journal migration "music-tension"); rows of
    /// sessions recorded before it have none.
    static let v3 = ["ALTER TABLE music ADD COLUMN tension double precision"]
}
