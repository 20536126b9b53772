// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ArgumentParser
import BluetoothLinux
import Assessment
import Foundation
import ListenerModel
import Session
import SessionStore

/// `lull assess`: a resonance-frequency assessment, remembered for the client's later sessions.
struct AssessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Finds the client's resonance breathing pace (a stepped paced-breathing assessment).",
        discussion: """
            A settle minute at the client's own pace, then the music's swell paces each rate of --rates \
            for --step-minutes (a step with too little clean data is breathed once more). The result \
            (the pace, a confidence and the reason) is stored in the session journal; the client's \
            later sessions lead the breath to it. SOURCE and AUDIO as for lull session; with \
            --source stdin --json the same lockstep protocol: one state line per beat read, then one \
            {"resonance": ...} line.
            """
    )

    @OptionGroup var common: SessionSourceOptions

    @Option(help: "The paced rates, breaths per minute, in the order breathed.")
    var rates = "6.5,6,5.5,5,4.5"

    @Option(help: "Minutes at each rate (at least 1).")
    var stepMinutes: Double = 2

    @Flag(help: "JSON lines on stdout: one per beat, then {\"resonance\": ...}.")
    var json = false

    @Option(help: "The session journal (default as for lull session).", completion: .file())
    var db: String?

    func validate() throws {
        _ = try Self.parseRates(rates)
        guard stepMinutes.isFinite, stepMinutes >= 1, stepMinutes <= 10 else {
            throw ValidationError("--step-minutes \(stepMinutes): must be between 1 and 10")
        }
        guard ListenerProfile(name: common.profile) != nil else {
            throw ValidationError("--profile \(common.profile): must be one of anxious, calm, non-responder")
        }
        let plan: SessionPlan
        do {
            plan = try SessionPlan(source: common.source, audio: common.audio, fast: common.fast, profile: common.profile, adapter: common.adapter)
        } catch { throw ValidationError(error.description) }
        if common.fast, case .strap = plan.source {
            throw ValidationError("--fast needs a simulated, replayed or stdin source; a strap runs in real time")
        }
        if common.fast, case .alsa = plan.audio {
            throw ValidationError("--fast cannot play to an ALSA device; use --audio FILE.wav or none")
        }
    }

    /// "6.5,6,5.5" -> [6.5, 6, 5.5]; each between 3 and 10 per minute.
    static func parseRates(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        var rates: [Double] = []
        for part in parts {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let rate = Double(trimmed), rate.isFinite, rate >= 3, rate <= 10 else {
                throw ValidationError("--rates \(text): '\(trimmed)' is not a rate between 3 and 10 breaths a minute")
            }
            rates.append(rate)
        }
        guard !rates.isEmpty else { throw ValidationError("--rates: give at least one rate") }
        return rates
    }

    func run() async throws {
        let p = AssessmentProtocol(ratesBreathsPerMinute: try Self.parseRates(rates), stepSeconds: stepMinutes * 60)
        let plan = try SessionPlan(
            source: common.source, audio: common.audio, fast: common.fast, profile: common.profile, adapter: common.adapter, plannedSeconds: p.longestSeconds)
        let stop = StopRequest()
        let signals = SignalStop.install { stop.request() }
        defer { _ = signals }
        let startedAt = SessionListingText.utcText(Date())
        let (database, recorder) = try startRecording(plan)
        do {
            var settings = SessionSettings(plan: plan, seed: common.seed)
            settings.assessment = p
            var output = SessionOutput(json: json, plannedSeconds: p.nominalSeconds, paced: plan.paced)
            output.strapState = "ok"
            var runner = try SessionRunner(settings: settings, output: output, recorder: recorder)
            let (summary, audio) = try await runner.run(stop: stop)
            let result = runner.engine.finishAssessment()!
            let line = SessionRecordJSON.resonanceJSON(result)
            if json { SessionOutput.write(line) } else { SessionOutput.write(SessionOutput.resonanceText(result)) }
            recorder.finish(
                outcome: summary.endedEarly ? .endedEarly : .complete,
                summaryJSON: SessionRecordJSON.summaryJSON(summary, audio: audio))
            do {
                try database.recordAssessment(
                    AssessmentRecord.stored(result, line: line, client: common.client, startedAt: startedAt, sessionID: recorder.recordedSessionID))
            } catch {
                throw CommandFailure("\(error)")
            }
        } catch {
            recorder.event(seconds: recorder.lastSeconds, kind: .error, detail: "\(error)")
            recorder.finish(outcome: .interrupted, summaryJSON: nil)
            throw error
        }
    }


    /// Opens the journal and creates the row that records the assessment's beats.
    private func startRecording(_ plan: SessionPlan) throws -> (SessionDatabase, SessionRecorder) {
        var w = JSONWriter()
        w.beginObject()
        w.field("plan", "assess")
        w.field("source", common.source)
        w.field("rates", rates)
        w.field("step_minutes", stepMinutes)
        w.field("profile", common.profile)
        w.field("seed", "\(common.seed)")
        w.field("audio", common.audio ?? (common.fast ? "none" : "default"))
        w.field("fast", common.fast)
        w.field("paced", plan.paced)
        w.endObject()
        return try SessionLaunch.startRecording(
            path: try JournalAccess.journalPath(db), client: common.client, source: common.source, plan: plan, settings: w.text)
    }
}
