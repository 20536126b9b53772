// SPDX-License-Identifier: Apache-2.0
package import Assessment
package import SessionStore

/// A resonance assessment's result as the journal keeps it (`lull assess` and the daemon's
/// "assess" plan).
package enum AssessmentRecord {
    package static func stored(
        _ r: ResonanceResult, line: String, client: String?, startedAt: String, sessionID: Int64?
    ) -> StoredAssessment {
        StoredAssessment(
            sessionID: sessionID, client: client, startedAt: startedAt, breathsPerMinute: r.breathsPerMinute,
            confidence: r.confidence, reason: r.reason, followedPace: r.followedPace, resultJSON: line,
            steps: r.steps.map {
                StoredAssessmentStep(
                    breathsPerMinute: $0.breathsPerMinute, peakTroughBPM: $0.peakTroughBPM, lfPeakMs2: $0.lfPeakMs2,
                    lfMs2: $0.lfMs2, peakHz: $0.peakHz, rmssdMilliseconds: $0.rmssdMilliseconds,
                    coherence: $0.coherence, phaseDegrees: $0.phaseDegrees, artifactPercent: $0.artifactPercent,
                    usable: $0.usable, followed: $0.followed, attempts: $0.attempts)
            })
    }
}
