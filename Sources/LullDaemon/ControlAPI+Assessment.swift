// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Assessment
import Foundation
import SynthCore

extension ControlAPI {
    /// The `plan` of `POST /api/start`: "session" (the default) or "assess".
    static func parsePlan(_ text: String) throws(DaemonError) -> DaemonSessions.Plan {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
            let value = object["plan"]
        else { return .session }
        guard let name = value as? String, let plan = DaemonSessions.Plan(rawValue: name) else {
            throw DaemonError("plan: expected \"session\" or \"assess\"")
        }
        return plan
    }

    /// The `palette` of `POST /api/start`: a palette's name, or nil for the client's last choice
    /// (else `session.palette`).
    static func parsePalette(_ text: String) throws(DaemonError) -> Palette? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
            let value = object["palette"]
        else { return nil }
        guard let name = value as? String, let palette = Palette(named: name) else {
            throw DaemonError("palette: expected one of \(Palette.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        return palette
    }
}

extension DaemonJSON {
    /// In `/api/status`'s `session` during an assessment: `"plan": "assess"` and where it is.
    static func assessmentFields(_ w: inout JSONWriter, _ p: AssessmentPosition) {
        w.field("plan", "assess")
        w.beginObject("assessment")
        w.field("phase", p.phase.rawValue)
        SessionRecordJSON.assessmentFields(&w, p)
        w.field("attempt", p.attempt)
        w.field("steps", p.stepCount)
        w.endObject()
    }
}
