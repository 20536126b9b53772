// SPDX-License-Identifier: Apache-2.0
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

    @Option(help: "simulate | replay:FILE | strap:ADDRESS | auto | unix:PATH | stdin")
    var source = "simulate"

    @Option(help: "The paced rates, breaths per minute, in the order breathed.")
    var rates = "6.5,6,5.5,5,4.5"

    @Option(help: "Minutes at each rate (at least 1).")
    var stepMinutes: Double = 2

    @Option(help: "default | alsa:DEVICE | FILE.wav | none (default: none with --fast, else default)")
    var audio: String?

    @Flag(help: "Run simulated or replayed time as fast as possible.")
    var fast = false

    @Option(help: "Simulated listener: anxious, calm or non-responder (its resonance is drawn from --seed).")
    var profile = "anxious"

    @Option(help: "Seed of the simulated listener (and its resonance) and of the music.")
    var seed: UInt64 = 1

    @Option(help: "Client name or code.")
    var client: String?

    @Option(help: "Bluetooth adapter for strap sources.")
    var adapter = "hci0"

    @Flag(help: "JSON lines on stdout: one per beat, then {\"resonance\": ...}.")
    var json = false

    @Option(help: "The session journal (default as for lull session).", completion: .file())
    var db: String?

    func validate() throws {
        _ = try Self.parseRates(rates)
        guard stepMinutes.isFinite, stepMinutes >= 1, stepMinutes <= 10 else {
            throw ValidationError("--step-minutes \(stepMinutes): must be between 1 and 10")
        }
        guard ListenerProfile(name: profile) != nil else {
            throw ValidationError("--profile \(profile): must be one of anxious, calm, non-responder")
        }
        let (source, audio) = try SessionPlan.parse(
            source: source, audio: audio, fast: fast, profile: profile, adapter: adapter)
        if fast, case .strap = source {
            throw ValidationError("--fast needs a simulated, replayed or stdin source; a strap runs in real time")
        }
        if fast, case .alsa = audio {
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
        let (planSource, planAudio) = try SessionPlan.parse(
            source: source, audio: audio, fast: fast, profile: profile, adapter: adapter)
        let plan = SessionPlan(
            source: planSource, audio: planAudio, plannedSeconds: p.longestSeconds,
            paced: SessionPlan.paced(planSource, fast: fast))
        let stop = StopRequest()
        let signals = SignalStop.install { stop.request() }
        defer { _ = signals }
        let startedAt = SessionsCommand.utcText(Date())
        let (database, recorder) = try startRecording(plan)
        do {
            var settings = SessionSettings(plan: plan, seed: seed)
            settings.assessment = p
            var output = SessionOutput(json: json, plannedSeconds: p.nominalSeconds, paced: plan.paced)
            output.strapState = "ok"
            var runner = try SessionRunner(settings: settings, output: output, recorder: recorder)
            let (summary, audio) = try await runner.run(stop: stop)
            let result = runner.engine.finishAssessment()!
            let line = SessionOutput.resonanceJSON(result)
            if json { SessionOutput.write(line) } else { SessionOutput.write(SessionOutput.resonanceText(result)) }
            recorder.finish(
                outcome: summary.endedEarly ? .endedEarly : .complete,
                summaryJSON: SessionOutput.summaryJSON(summary, audio: audio))
            do {
                try database.recordAssessment(
                    Self.stored(result, line: line, client: client, startedAt: startedAt, sessionID: recorder.sessionID))
            } catch {
                throw CommandFailure("\(error)")
            }
        } catch {
            recorder.event(seconds: recorder.lastSeconds, kind: "error", detail: "\(error)")
            recorder.finish(outcome: .interrupted, summaryJSON: nil)
            throw error
        }
    }

    static func stored(
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

    /// Opens the journal and creates the row that records the assessment's beats.
    private func startRecording(_ plan: SessionPlan) throws -> (SessionDatabase, SessionRecorder) {
        let path = try SessionsCommand.journalPath(db)
        do {
            let database = try SessionDatabase(path: path)
            let recorder = SessionRecorder(database: database) { line in
                FileHandle.standardError.write(Data("lull: \(line)\n".utf8))
            }
            var strap: String?
            if case .strap(let target) = plan.source { strap = target.description }
            var w = JSONWriter()
            w.beginObject()
            w.field("plan", "assess")
            w.field("source", source)
            w.field("rates", rates)
            w.field("step_minutes", stepMinutes)
            w.field("profile", profile)
            w.field("seed", "\(seed)")
            w.field("audio", audio ?? (fast ? "none" : "default"))
            w.field("fast", fast)
            w.field("paced", plan.paced)
            w.endObject()
            _ = try recorder.start(client: client, source: source, strap: strap, settings: w.text)
            return (database, recorder)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
