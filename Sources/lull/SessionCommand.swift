// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ArgumentParser
import BluetoothLinux
import Foundation
import Guidance
import HRVCore
import ListenerModel
import Session
import SessionStore
import SynthCore

/// `lull session`: a guided relaxation, from activation to calm.
struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Runs a guided relaxation session.",
        discussion: """
            SOURCE: simulate (a simulated listener, the default), replay:FILE (an RR recording, open \
            loop), stdin (one RR interval per line, in ms or {"rr_ms": ...}; with --json a lockstep \
            protocol: one state line per beat read), strap:ADDRESS, auto (the first strap found) or \
            unix:PATH (a strap emulator). AUDIO: default or alsa:DEVICE (an ALSA device), FILE.wav, \
            or none. --fast runs simulated or replayed time as fast as the machine allows. Every \
            session is recorded in the session journal (see `lull sessions`) unless --no-record.
            """
    )

    @OptionGroup var common: SessionSourceOptions

    @Option(help: "Planned length in minutes.")
    var minutes: Double = 20

    @Option(help: "Simulated listener only: percent of beats turned into ectopic, missed or extra beats.")
    var artifacts: Double = 0

    @Flag(help: "JSON lines on stdout: one per beat, then {\"summary\": ...}.")
    var json = false

    @Flag(help: "Do not record this session in the session journal.")
    var noRecord = false

    @Option(
        help: """
            The instrumentation (\(Palette.allCases.map(\.rawValue).joined(separator: ", "))); default: the \
            client's last choice, else \(Palette.default.rawValue).
            """)
    var palette: Palette?

    @Option(help: "Lead the breath to this pace (4-7 /min) instead of the client's assessed one or 6.")
    var resonance: Double?

    @Option(
        help: ArgumentHelp(
            "The session journal (SQLite).",
            discussion: "Default: $STATE_DIRECTORY/lull.sqlite under systemd, else $XDG_STATE_HOME/lull/lull.sqlite "
                + "or ~/.local/state/lull/lull.sqlite."),
        completion: .file())
    var db: String?

    func validate() throws {
        guard minutes.isFinite, minutes >= 1, minutes <= 240 else {
            throw ValidationError("--minutes \(minutes): must be between 1 and 240")
        }
        guard ListenerProfile(name: common.profile) != nil else {
            throw ValidationError("--profile \(common.profile): must be one of anxious, calm, non-responder")
        }
        guard artifacts >= 0 && artifacts <= 50 else { throw ValidationError("--artifacts \(artifacts): must be 0-50") }
        if let client = common.client, ClientName.validated(client) == nil { throw ValidationError("--client: \(ClientName.rule)") }
        let plan = try SessionPlan(self)
        if common.fast, case .strap = plan.source {
            throw ValidationError("--fast needs a simulated, replayed or stdin source; a strap runs in real time")
        }
        if common.fast, case .alsa = plan.audio {
            throw ValidationError("--fast cannot play to an ALSA device; use --audio FILE.wav or none")
        }
        if noRecord && db != nil { throw ValidationError("--db and --no-record: choose one") }
        if let resonance, !GuideTarget.bounds.contains(resonance) {
            throw ValidationError("--resonance \(resonance): must be between 4 and 7 breaths a minute")
        }
    }

    func run() async throws {
        let plan = try SessionPlan(self)
        let stop = StopRequest()
        let signals = SignalStop.install { stop.request() }
        defer { _ = signals }
        // The journal opens first: a session that cannot be recorded says so before any music starts.
        let guide = try guideTarget()
        let journalPath = db ?? SessionDatabase.defaultPath(environment: ProcessInfo.processInfo.environment)
        let client = common.client.flatMap(ClientName.validated)
        let tensionReference = try SessionLaunch.tensionReference(client: client, journalPath: journalPath)
        let palette = try SessionLaunch.palette(chosen: self.palette, client: client, journalPath: journalPath)
        let recorder = try noRecord ? nil : startRecording(plan, guide: guide, palette: palette)
        do {
            var settings = SessionSettings(plan: plan, seed: common.seed)
            settings.artifactProbability = artifacts / 100
            settings.tensionReference = tensionReference
            settings.palette = palette
            settings.guidance.resonanceBreathsPerMinute = guide.breathsPerMinute
            var output = SessionOutput(json: json, plannedSeconds: plan.plannedSeconds, paced: plan.paced)
            output.palette = palette.rawValue
            var runner = try SessionRunner(settings: settings, output: output, recorder: recorder)
            let (summary, audio) = try await runner.run(stop: stop)
            // The target is named when it is not the default, so a default session's lines stay as they were.
            let named = guide.source == .default ? nil : guide
            output.summary(summary, audio: audio, guide: named)
            recorder?.finish(
                outcome: summary.endedEarly ? .endedEarly : .complete,
                summaryJSON: SessionRecordJSON.summaryJSON(summary, audio: audio, guide: named))
        } catch {
            if let recorder { recorder.event(seconds: recorder.lastSeconds, kind: .error, detail: "\(error)") }
            recorder?.finish(outcome: .interrupted, summaryJSON: nil)
            if let recorder { await SessionLaunch.waitForJournal(recorder) }
            throw error
        }
        if let recorder { await SessionLaunch.waitForJournal(recorder) }
    }

    /// Opens the journal and creates this session's row; any failure is one line naming the file.
    private func startRecording(_ plan: SessionPlan, guide: GuideTarget, palette: Palette) throws -> SessionRecorder {
        guard let path = db ?? SessionDatabase.defaultPath(environment: ProcessInfo.processInfo.environment) else {
            throw CommandFailure(
                "no HOME, STATE_DIRECTORY or XDG_STATE_HOME for the session journal; use --db PATH or --no-record")
        }
        return try SessionLaunch.startRecording(
            path: path, client: common.client.flatMap(ClientName.validated), source: common.source, plan: plan,
            settings: settingsJSON(plan, guide: guide, palette: palette)
        ).recorder
    }

    /// The choices that shape the session, as JSON text for the journal's `settings` column.
    func settingsJSON(_ plan: SessionPlan, guide: GuideTarget? = nil, palette: Palette = .default) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("source", common.source)
        w.field("minutes", minutes)
        w.field("profile", common.profile)
        w.field("seed", "\(common.seed)")  // text: a UInt64 seed may not fit a JSON reader's double
        w.field("artifacts_pct", artifacts)
        w.field("audio", common.audio ?? (common.fast ? "none" : "default"))
        w.field("fast", common.fast)
        w.field("paced", plan.paced)
        w.field("palette", palette.rawValue)
        if let guide { SessionRecordJSON.guideFields(&w, guide) }
        w.endObject()
        return w.text
    }

    /// Where the guide aims: --resonance, else the client's latest assessment (from the journal,
    /// read even with --no-record when it exists), else 6/min.
    func guideTarget() throws -> GuideTarget {
        try SessionLaunch.guideTarget(
            resonance: resonance, client: common.client,
            journalPath: db ?? SessionDatabase.defaultPath(environment: ProcessInfo.processInfo.environment))
    }
}

extension SessionPlan {
    /// `lull session`'s flags; a bad --source or --audio is a usage error.
    init(_ c: SessionCommand) throws {
        do {
            try self.init(source: c.common.source, audio: c.common.audio, fast: c.common.fast, profile: c.common.profile, adapter: c.common.adapter)
        } catch { throw ValidationError(error.description) }
        plannedSeconds = c.minutes * 60
    }
}
