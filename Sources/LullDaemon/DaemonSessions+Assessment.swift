// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Assessment
import Foundation
import Guidance
import Logging
import Session
import SessionStore

extension DaemonSessions {
    /// What `POST /api/start` asks for: a session, or a resonance assessment (`{"plan": "assess"}`).
    enum Plan: String, Sendable {
        case session
        case assess
    }

    /// An assessment runs its protocol (its length is the protocol's, whatever `minutes` says); a
    /// client's session matches the music's tension against their settled baseline when the journal
    /// has one, and leads the breath to their latest assessed pace unless the configuration names a
    /// resonance other than the default 6/min.
    static func prepare(_ settings: inout SessionSettings, for request: Request, journal: SessionDatabase) throws {
        switch request.plan {
        case .assess:
            settings.assessment = .default
            settings.plan.plannedSeconds = AssessmentProtocol.default.longestSeconds
        case .session:
            settings.tensionReference = try SessionLaunch.tensionReference(client: request.client, journal: journal)
            let configured = settings.guidance.resonanceBreathsPerMinute
            if configured != GuidanceConfiguration.default.resonanceBreathsPerMinute {
                settings.guideTarget = GuideTarget(breathsPerMinute: configured, source: .configuration)
                return
            }
            guard let client = request.client, let latest = try journal.latestResonance(client: client) else { return }
            let bounded = min(max(latest.breathsPerMinute, GuideTarget.bounds.lowerBound), GuideTarget.bounds.upperBound)
            settings.guidance.resonanceBreathsPerMinute = bounded
            settings.guideTarget = GuideTarget(
                breathsPerMinute: bounded, source: .assessment, assessmentID: latest.assessmentID)
        }
    }

    /// Stores the result and tells the pages (`resonance` event, `last_resonance` in the status).
    static func finishAssessment(
        _ result: ResonanceResult, client: String?, sessionID: Int64?, journal: SessionDatabase, state: DaemonState,
        logger: Logger
    ) {
        let line = SessionRecordJSON.resonanceJSON(result)
        do {
            try journal.recordAssessment(
                AssessmentRecord.stored(
                    result, line: line, client: client, startedAt: SessionListingText.utcText(Date()),
                    sessionID: sessionID))
        } catch {
            logger.error("cannot record the assessment: \(error)")
        }
        state.assessmentFinished(resultJSON: line, breathsPerMinute: result.breathsPerMinute)
    }
}

extension DaemonState {
    /// The `resonance` event: the `{"resonance": ...}` object plus a sentence for the kiosk.
    func assessmentFinished(resultJSON: String, breathsPerMinute: Double?) {
        var w = JSONWriter()
        w.beginObject()
        w.field(
            "words",
            breathsPerMinute.map { "Your pace is about \(String(format: "%.1f", $0)) breaths a minute." }
                ?? "No breathing pace was found this time.")
        w.endObject()
        // {"resonance": {...}} and {"words": "..."} joined into one object.
        let event = String(resultJSON.dropLast()) + "," + String(w.text.dropFirst())
        events.publish(EventHub.event("resonance", event))
    }
}
