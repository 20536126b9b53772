// SPDX-License-Identifier: Apache-2.0
import GRDB

/// The journal's versioned schema. Migrations are append-only: a released one is never edited,
/// a change is a new migration (GRDB `DatabaseMigrator` records which ran in `grdb_migrations`).
enum SessionSchema {
    /// `PRAGMA application_id` of a Lull journal: "Lull" in ASCII. Lets `open` tell our file from
    /// another program's SQLite database before touching it (SQLite file format §1.3.15).
    static let applicationID: Int32 = 0x4C75_6C6C

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-journal") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            // Times: `started_at`/`ended_at` are wall-clock ISO 8601 UTC text (sortable, readable in
            // the sqlite3 shell); every `t_s` is session time in seconds from the session's start.
            try db.execute(
                sql: """
                    CREATE TABLE sessions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        client TEXT,
                        started_at TEXT NOT NULL,
                        ended_at TEXT,
                        source TEXT NOT NULL,
                        strap TEXT,
                        settings TEXT NOT NULL,
                        outcome TEXT NOT NULL
                            CHECK (outcome IN ('running', 'complete', 'ended_early', 'interrupted')),
                        summary TEXT,
                        pid INTEGER
                    );
                    CREATE INDEX sessions_client_started ON sessions(client, started_at);
                    CREATE TABLE beats (
                        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                        t_s REAL NOT NULL,
                        rr_ms REAL NOT NULL,
                        flag TEXT NOT NULL,
                        contact INTEGER NOT NULL
                    );
                    CREATE INDEX beats_session_t ON beats(session_id, t_s);
                    CREATE TABLE snapshots (
                        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                        t_s REAL NOT NULL,
                        hr_bpm REAL,
                        rmssd_ms REAL,
                        sdnn_ms REAL,
                        breathing_rate_per_min REAL,
                        coherence REAL,
                        lf_ms2 REAL,
                        hf_ms2 REAL,
                        artifact_pct REAL
                    );
                    CREATE INDEX snapshots_session_t ON snapshots(session_id, t_s);
                    CREATE TABLE music (
                        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                        t_s REAL NOT NULL,
                        phase TEXT NOT NULL,
                        tempo_bpm REAL NOT NULL,
                        loudness_lufs REAL NOT NULL,
                        swell_breaths_per_min REAL NOT NULL,
                        swell_lu REAL NOT NULL,
                        measured_lufs REAL
                    );
                    CREATE INDEX music_session_t ON music(session_id, t_s);
                    CREATE TABLE events (
                        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                        t_s REAL NOT NULL,
                        kind TEXT NOT NULL,
                        detail TEXT
                    );
                    CREATE INDEX events_session_t ON events(session_id, t_s);
                    """)
        }
        // The artifact filter decides a beat 6 beats after it arrives (Lipponen & Tarvainen 2019 with
        // the live look-ahead), so a beat is inserted with the verdict known on arrival (`decided` 0)
        // and updated to the filter's verdict (`decided` 1) a few seconds later; a power cut in
        // between leaves the beat, marked undecided. NULL: recorded before Lull stored verdicts.
        migrator.registerMigration("v2-decided-flags") { db in
            try db.execute(sql: "ALTER TABLE beats ADD COLUMN decided INTEGER")
        }
        // The clinic store: a session is known everywhere by a UUID (the integer id is only this
        // journal's) and by the kiosk it ran on; `sync_confirmations` records what a store has
        // confirmed of each session. Existing sessions get a random UUID here (RFC 9562 §5.4) and
        // their kiosk id when the journal is next opened with one (`SessionDatabase.init`).
        migrator.registerMigration("v3-clinic-identity") { db in
            try addIdentity(db, table: "sessions")
            try db.execute(
                sql: """
                    CREATE UNIQUE INDEX sessions_uuid ON sessions(uuid);
                    CREATE TABLE sync_confirmations (
                        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                        store TEXT NOT NULL,
                        beats INTEGER NOT NULL,
                        snapshots INTEGER NOT NULL,
                        music INTEGER NOT NULL,
                        events INTEGER NOT NULL,
                        confirmed_at TEXT NOT NULL,
                        PRIMARY KEY (session_id, store)
                    );
                    """)
        }
        registerAssessments(&migrator)
        // Assessments for the clinic store: a UUID and the kiosk, as sessions have (existing ones
        // get a random UUID here and their kiosk id when the journal is next opened with one), and
        // what a store has confirmed of each (as `sync_confirmations` does for sessions).
        migrator.registerMigration("assessment-sync") { db in
            try addIdentity(db, table: "assessments")
            try db.execute(
                sql: """
                    CREATE UNIQUE INDEX assessments_uuid ON assessments(uuid);
                    CREATE TABLE assessment_sync_confirmations (
                        assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
                        store TEXT NOT NULL,
                        steps INTEGER NOT NULL,
                        confirmed_at TEXT NOT NULL,
                        PRIMARY KEY (assessment_id, store)
                    );
                    """)
        }
        // The music's tension beside tempo and loudness (issue 17); rows written before it have none.
        migrator.registerMigration("music-tension") { db in
            try db.execute(sql: "ALTER TABLE music ADD COLUMN tension REAL")
        }
        return migrator
    }

    /// Adds `uuid` and `kiosk_id` to `table` and gives every existing row a random UUID
    /// (RFC 9562 §5.4); kiosk ids are stamped when the journal is next opened with one.
    private static func addIdentity(_ db: Database, table: String) throws {
        try db.execute(
            sql: """
                ALTER TABLE \(table) ADD COLUMN uuid TEXT;
                ALTER TABLE \(table) ADD COLUMN kiosk_id TEXT;
                """)
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM \(table) WHERE uuid IS NULL") {
            try db.execute(sql: "UPDATE \(table) SET uuid = ? WHERE id = ?", arguments: [SessionIdentity.newUUID(), id])
        }
    }
}
