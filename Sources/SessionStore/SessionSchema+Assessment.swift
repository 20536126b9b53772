// SPDX-License-Identifier: Apache-2.0
import GRDB

extension SessionSchema {
    /// The resonance-frequency assessments: one row each, with its steps. `session_id` is the
    /// recording of the assessment's beats in `sessions` (kept if that recording is pruned: the
    /// assessed rate is what later sessions are led to). `result` is the `{"resonance": ...}` line.
    static func registerAssessments(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("assessments") { db in
            try db.execute(
                sql: """
                    CREATE TABLE assessments (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
                        client TEXT,
                        started_at TEXT NOT NULL,
                        breaths_per_min REAL,
                        confidence REAL NOT NULL,
                        reason TEXT NOT NULL,
                        followed_pace INTEGER NOT NULL,
                        result TEXT NOT NULL
                    );
                    CREATE INDEX assessments_client_started ON assessments(client, started_at);
                    CREATE TABLE assessment_steps (
                        assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
                        step_index INTEGER NOT NULL,
                        breaths_per_min REAL NOT NULL,
                        peak_trough_bpm REAL,
                        lf_peak_ms2 REAL,
                        lf_ms2 REAL,
                        peak_hz REAL,
                        rmssd_ms REAL,
                        coherence REAL,
                        phase_deg REAL,
                        artifact_pct REAL NOT NULL,
                        usable INTEGER NOT NULL,
                        followed INTEGER NOT NULL,
                        attempts INTEGER NOT NULL,
                        PRIMARY KEY (assessment_id, step_index)
                    );
                    """)
        }
    }
}
