// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import BluetoothLinux
import Foundation
import Guidance
import HRVCore
import ListenerModel
import Session
import SessionStore

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

    @Option(help: "simulate | replay:FILE | stdin | strap:ADDRESS | auto | unix:PATH")
    var source = "simulate"

    @Option(help: "Planned length in minutes.")
    var minutes: Double = 20

    @Option(help: "default | alsa:DEVICE | FILE.wav | none (default: none with --fast, else default)")
    var audio: String?

    @Flag(help: "Run simulated or replayed time as fast as possible.")
    var fast = false

    @Option(help: "Simulated listener: anxious, calm or non-responder.")
    var profile = "anxious"

    @Option(help: "Seed of the simulated listener and of the music.")
    var seed: UInt64 = 1

    @Option(help: "Client name or code.")
    var client: String?

    @Option(help: "Simulated listener only: percent of beats turned into ectopic, missed or extra beats.")
    var artifacts: Double = 0

    @Option(help: "Bluetooth adapter for strap sources.")
    var adapter = "hci0"

    @Flag(help: "JSON lines on stdout: one per beat, then {\"summary\": ...}.")
    var json = false

    @Flag(help: "Do not record this session in the session journal.")
    var noRecord = false

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
        guard ListenerProfile(name: profile) != nil else {
            throw ValidationError("--profile \(profile): must be one of anxious, calm, non-responder")
        }
        guard artifacts >= 0 && artifacts <= 50 else { throw ValidationError("--artifacts \(artifacts): must be 0-50") }
        if let client, ClientName.validated(client) == nil { throw ValidationError("--client: \(ClientName.rule)") }
        let plan = try SessionPlan(self)
        if fast, case .strap = plan.source {
            throw ValidationError("--fast needs a simulated, replayed or stdin source; a strap runs in real time")
        }
        if fast, case .alsa = plan.audio {
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
        let recorder = try noRecord ? nil : startRecording(plan, guide: guide)
        do {
            var settings = SessionSettings(plan: plan, seed: seed, artifactProbability: artifacts / 100)
            settings.guidance.resonanceBreathsPerMinute = guide.breathsPerMinute
            let output = SessionOutput(json: json, plannedSeconds: plan.plannedSeconds, paced: plan.paced)
            var runner = try SessionRunner(settings: settings, output: output, recorder: recorder)
            let (summary, audio) = try await runner.run(stop: stop)
            // The target is named when it is not the default, so a default session's lines stay as they were.
            let named = guide.source == .default ? nil : guide
            output.summary(summary, audio: audio, guide: named)
            recorder?.finish(
                outcome: summary.endedEarly ? .endedEarly : .complete,
                summaryJSON: SessionOutput.summaryJSON(summary, audio: audio, guide: named))
        } catch {
            if let recorder { recorder.event(seconds: recorder.lastSeconds, kind: "error", detail: "\(error)") }
            recorder?.finish(outcome: .interrupted, summaryJSON: nil)
            if let recorder { Self.waitForJournal(recorder) }
            throw error
        }
        if let recorder { Self.waitForJournal(recorder) }
    }

    /// The journal could not take the session's end (a full disk): it is kept in memory and
    /// written, the session closed as interrupted, as soon as the journal takes it. Ctrl-C or
    /// SIGTERM leaves it to the next opening's crash recovery instead.
    static func waitForJournal(_ recorder: SessionRecorder) {
        guard recorder.awaitingClose else { return }
        FileHandle.standardError.write(
            Data(("lull: the session journal cannot be written (\(recorder.writeError ?? "?")); the session's end is "
                + "kept until it can be (Ctrl-C leaves it to the next start's crash recovery)\n").utf8))
        let giveUp = StopRequest()
        let signals = SignalStop.install { giveUp.request() }
        defer { _ = signals }
        while !recorder.retryClose() && !giveUp.isRequested {
            for _ in 0..<5 where !giveUp.isRequested { usleep(200_000) }
        }
    }

    /// Opens the journal and creates this session's row; any failure is one line naming the file.
    private func startRecording(_ plan: SessionPlan, guide: GuideTarget) throws -> SessionRecorder {
        guard let path = db ?? SessionDatabase.defaultPath(environment: ProcessInfo.processInfo.environment) else {
            throw CommandFailure(
                "no HOME, STATE_DIRECTORY or XDG_STATE_HOME for the session journal; use --db PATH or --no-record")
        }
        do {
            let database = try SessionDatabase(path: path)
            // A failed write mid-session is one line on stderr; the music goes on.
            let recorder = SessionRecorder(database: database) { line in
                FileHandle.standardError.write(Data("lull: \(line)\n".utf8))
            }
            var strap: String?
            if case .strap(let target) = plan.source { strap = target.description }
            _ = try recorder.start(
                client: client.flatMap(ClientName.validated), source: source, strap: strap,
                settings: settingsJSON(plan, guide: guide))
            return recorder
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// The choices that shape the session, as JSON text for the journal's `settings` column.
    func settingsJSON(_ plan: SessionPlan, guide: GuideTarget? = nil) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("source", source)
        w.field("minutes", minutes)
        w.field("profile", profile)
        w.field("seed", "\(seed)")  // text: a UInt64 seed may not fit a JSON reader's double
        w.field("artifacts_pct", artifacts)
        w.field("audio", audio ?? (fast ? "none" : "default"))
        w.field("fast", fast)
        w.field("paced", plan.paced)
        if let guide { SessionOutput.guideFields(&w, guide) }
        w.endObject()
        return w.text
    }

    /// Where the guide aims: --resonance, else the client's latest assessment (from the journal,
    /// read even with --no-record when it exists), else 6/min.
    func guideTarget() throws -> GuideTarget {
        if let resonance { return GuideTarget(breathsPerMinute: resonance, source: .flag) }
        let fallback = GuideTarget(breathsPerMinute: GuidanceConfiguration.default.resonanceBreathsPerMinute, source: .default)
        guard let client,
            let path = db ?? SessionDatabase.defaultPath(environment: ProcessInfo.processInfo.environment),
            FileManager.default.fileExists(atPath: path)
        else { return fallback }
        do {
            guard let latest = try SessionDatabase(path: path).latestResonance(client: client) else { return fallback }
            let bounded = min(max(latest.breathsPerMinute, GuideTarget.bounds.lowerBound), GuideTarget.bounds.upperBound)
            return GuideTarget(breathsPerMinute: bounded, source: .assessment, assessmentID: latest.assessmentID)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

/// The parsed choices of one session.
struct SessionPlan {
    enum Source {
        case simulate(ListenerProfile)
        case replay(path: String)
        case stdin
        case strap(StrapTarget)
    }

    enum Audio: Equatable {
        case none
        case wav(path: String)
        case alsa(device: String)
    }

    var source: Source
    var audio: Audio
    var plannedSeconds: Double
    var paced: Bool

    init(source: Source, audio: Audio, plannedSeconds: Double, paced: Bool) {
        self.source = source
        self.audio = audio
        self.plannedSeconds = plannedSeconds
        self.paced = paced
    }

    /// `--source` and `--audio` as `lull session` and `lull assess` take them.
    static func parse(source sourceText: String, audio audioText: String?, fast: Bool, profile: String, adapter: String)
        throws -> (Source, Audio)
    {
        let source: Source
        let audio: Audio
        switch sourceText {
        case "simulate": source = .simulate(ListenerProfile(name: profile) ?? .anxious)
        case "stdin": source = .stdin
        case let s where s.hasPrefix("replay:"):
            let path = String(s.dropFirst("replay:".count))
            guard !path.isEmpty else { throw ValidationError("--source replay:FILE needs a file") }
            source = .replay(path: path)
        case let s where s == "auto" || s.hasPrefix("unix:") || s.hasPrefix("strap:"):
            let text = s.hasPrefix("strap:") ? String(s.dropFirst("strap:".count)) : s
            do {
                source = .strap(try StrapTarget(parsing: text, adapter: adapter))
            } catch {
                throw ValidationError("--source \(s): \(error)")
            }
        default:
            throw ValidationError(
                "--source \(sourceText): expected simulate, replay:FILE, stdin, strap:ADDRESS, auto or unix:PATH")
        }
        switch audioText ?? (fast ? "none" : "default") {
        case "none": audio = .none
        case "default": audio = .alsa(device: "default")
        case let a where a.hasPrefix("alsa:"):
            let device = String(a.dropFirst("alsa:".count))
            guard !device.isEmpty else { throw ValidationError("--audio alsa:DEVICE needs a device name") }
            audio = .alsa(device: device)
        case let a where a.lowercased().hasSuffix(".wav"): audio = .wav(path: a)
        default: throw ValidationError("--audio \(audioText ?? ""): expected default, alsa:DEVICE, FILE.wav or none")
        }
        return (source, audio)
    }

    init(_ c: SessionCommand) throws {
        (source, audio) = try Self.parse(source: c.source, audio: c.audio, fast: c.fast, profile: c.profile, adapter: c.adapter)
        plannedSeconds = c.minutes * 60
        paced = Self.paced(source, fast: c.fast)
    }

    /// Live sources run in real time; stdin at the producer's pace; the others unless --fast.
    static func paced(_ source: Source, fast: Bool) -> Bool {
        switch source {
        case .stdin: false
        case .strap: true
        default: !fast
        }
    }
}
