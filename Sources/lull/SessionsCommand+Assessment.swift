// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import Foundation
import SessionStore

extension SessionsCommand {
    /// The resonance assessments after the sessions (nothing when there are none, so a journal
    /// without assessments lists exactly as before): one line each, or `{"assessment": ...}` lines.
    static func listAssessments(_ assessments: [StoredAssessment], json: Bool) {
        guard !assessments.isEmpty else { return }
        if !json { SessionOutput.write("\nresonance assessments:") }
        for a in assessments {
            SessionOutput.write(json ? assessmentJSONLine(a) : assessmentTextLine(a))
        }
    }

    static func assessmentTextLine(_ a: StoredAssessment) -> String {
        let client = (a.client ?? "-").padding(toLength: max(10, a.client?.count ?? 0), withPad: " ", startingAt: 0)
        let steps = a.steps.map { String(format: "%.1f%@", $0.breathsPerMinute, $0.usable ? "" : "✗") }
        let pace =
            a.breathsPerMinute.map { String(format: "pace %.1f /min  confidence %.2f", $0, a.confidence) }
            ?? (a.followedPace ? "no pace (too little clean data)" : "no pace (did not follow the pacer)")
        return "\(("A" + String(a.id)).leftPadded(4))  \(client)  \(SessionListingText.localText(a.startedAt))  \(pace)  "
            + "steps \(steps.joined(separator: " "))\(a.sessionID.map { "  session \($0)" } ?? "")"
    }

    static func assessmentJSONLine(_ a: StoredAssessment) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.beginObject("assessment")
        w.field("id", Int(a.id))
        w.field("session_id", a.sessionID.map { Int($0) })
        w.field("client", a.client)
        w.field("started_at", a.startedAt)
        w.field("breaths_per_min", a.breathsPerMinute)
        w.field("confidence", a.confidence)
        w.field("followed_pace", a.followedPace)
        w.field("steps", a.steps.count)
        w.field("usable_steps", a.steps.filter(\.usable).count)
        w.endObject()
        w.endObject()
        return w.text
    }
}
