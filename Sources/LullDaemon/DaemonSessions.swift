// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Assessment
import BluetoothLinux
import Foundation
import SynthCore
import Guidance
import ListenerModel
import Logging
import LullConfig
import ServiceLifecycle
import Session
import SessionStore
import SystemdSupport

/// Runs the daemon's sessions, one at a time, exactly as `lull session` runs one (the same
/// `SessionRunner`, audio and journal tap), on requests from the control API or from the strap's
/// skin contact. Graceful shutdown ends a running session softly (fade, summary, journal) first.
final class DaemonSessions: Service, Sendable {
    struct Request: Sendable {
        var minutes: Double
        var client: String?
        var plan: Plan = .session
        /// Nil: the client's last choice, else `session.palette`.
        var palette: Palette? = nil
        var stop: StopRequest
        /// Told the journal id once the music plays, or why it could not start.
        var reply: (@Sendable (Result<Int64?, DaemonError>) -> Void)?
        /// Whether whoever asked is still there (an HTTP client's connection is open) when the
        /// request's turn comes: a start whose client gave up waiting is not run later.
        var isWanted: @Sendable () -> Bool = { true }
    }

    enum StartError: Error {
        case busy, shuttingDown, failed(String)
    }

    private let configuration: LullConfiguration
    private let database: SessionDatabase
    private let state: DaemonState
    private let strap: StrapMonitor?
    private let logger: Logger
    private let requests: AsyncStream<Request>
    private let continuation: AsyncStream<Request>.Continuation

    init(
        configuration: LullConfiguration, database: SessionDatabase, state: DaemonState, strap: StrapMonitor?,
        logger: Logger
    ) {
        self.configuration = configuration
        self.database = database
        self.state = state
        self.strap = strap
        self.logger = logger
        (requests, continuation) = AsyncStream.makeStream(of: Request.self)
    }

    /// Starts a session and waits until its music plays; returns its journal id.
    func start(
        minutes: Double?, client: String?, plan: Plan = .session, palette: Palette? = nil,
        isWanted: @escaping @Sendable () -> Bool = { true }
    ) async throws(StartError) -> Int64? {
        let minutes = plan == .assess ? AssessmentProtocol.default.nominalSeconds / 60 : minutes ?? configuration.session.defaultMinutes
        let stop: StopRequest
        switch state.beginSession(
            minutes: minutes, client: client, timeScale: timeScale, initial: MusicTarget.initial(configuration))
        {
        case .success(let s): stop = s
        case .failure(.busy): throw .busy
        case .failure(.shuttingDown): throw .shuttingDown
        }
        let result = await withCheckedContinuation { (reply: CheckedContinuation<Result<Int64?, DaemonError>, Never>) in
            continuation.yield(
                Request(
                    minutes: minutes, client: client, plan: plan, palette: palette, stop: stop,
                    reply: { reply.resume(returning: $0) },
                    isWanted: isWanted))
        }
        switch result {
        case .success(let id): return id
        case .failure(let failure): throw .failed(failure.description)
        }
    }

    /// Auto-start: a session of the default length, without waiting for it.
    func startOnContact() {
        let minutes = configuration.session.defaultMinutes
        guard
            case .success(let stop) = state.beginSession(
                minutes: minutes, client: nil, timeScale: timeScale, initial: MusicTarget.initial(configuration))
        else { return }
        logger.info("skin contact: starting a session", metadata: ["minutes": "\(minutes)"])
        continuation.yield(Request(minutes: minutes, client: nil, stop: stop, reply: nil))
    }

    func run() async {
        await withGracefulShutdownHandler {
            for await request in requests { await runSession(request) }
        } onGracefulShutdown: { [state, continuation] in
            state.beginShutdown()
            continuation.finish()
        }
        // Every event stream ends after the last summary, so the HTTP servers can stop.
        state.events.finishAll()
    }

    private var timeScale: Double {
        configuration.strap.isSimulated ? configuration.session.timeScale : 1
    }

    /// One session, start to summary, in this task (the runner, its audio and the journal's
    /// recorder are not shared with any other).
    private func runSession(_ request: Request) async {
        guard request.isWanted() else {
            logger.notice("a start request's client has gone: no session")
            state.sessionFailedToStart()
            request.reply?(.failure(DaemonError("the client has gone")))
            return
        }
        // A sound card known to be missing is asked again; still missing, the session is refused
        // before it has a journal row (SoundCardMonitor says why not music-less).
        if state.snapshot.audioProblem != nil, let device = SoundCardMonitor.alsaDevice(configuration.audio.device) {
            let problem = await SoundCard.problem(device: device)
            state.audioChanged(problem)
            if let problem {
                let failure = DaemonError(SoundCard.refusal(problem))
                logger.error("\(failure.description)")
                state.sessionFailedToStart()
                request.reply?(.failure(failure))
                return
            }
        }
        let recorder: SessionRecorder
        var runner: SessionRunner
        var palette = configuration.session.palette
        do {
            var settings = try sessionSettings(minutes: request.minutes)
            try Self.prepare(&settings, for: request, journal: database)
            settings.palette = try SessionLaunch.palette(
                chosen: request.palette, client: request.client, journal: database,
                fallback: configuration.session.palette)
            recorder = SessionRecorder(database: database) { [logger] line in logger.error("\(line)") }
            var strapText: String?
            if case .strap(let target) = settings.plan.source { strapText = target.description }
            _ = try recorder.start(
                client: request.client, source: sourceText, strap: strapText,
                settings: settingsJSON(settings, minutes: request.minutes, plan: request.plan))
            palette = settings.palette
            runner = try SessionRunner(settings: settings, output: nil, recorder: recorder)
        } catch {
            let failure = DaemonError("cannot start a session: \(error)")
            logger.error("\(failure.description)")
            strap?.closeFeed()
            state.sessionFailedToStart()
            request.reply?(.failure(failure))
            return
        }
        runner.observer = { [state] progress in
            state.progress(progress)
            state.journalWriteFailed(recorder.writeError)
        }
        state.sessionStarted(id: recorder.sessionID, swell: runner.audio.swellProbe, palette: palette)
        request.reply?(.success(recorder.sessionID))
        let id = recorder.sessionID.map(String.init) ?? "-"
        logger.info("session started", metadata: ["id": "\(id)", "minutes": "\(request.minutes)"])
        do {
            let (summary, audio) = try await runner.run(stop: request.stop)
            recorder.finish(
                outcome: summary.endedEarly ? .endedEarly : .complete,
                summaryJSON: SessionRecordJSON.summaryJSON(summary, audio: audio))
            state.sessionFinished(summary: summary, audio: audio)
            if let result = runner.engine.finishAssessment() {
                Self.finishAssessment(
                    result, client: request.client, sessionID: recorder.recordedSessionID, journal: database, state: state,
                    logger: logger)
            }
            logger.info("session ended", metadata: ["id": "\(id)", "ended_early": "\(summary.endedEarly)"])
        } catch {
            recorder.event(seconds: recorder.lastSeconds, kind: .error, detail: "\(error)")
            recorder.finish(outcome: .interrupted, summaryJSON: nil)
            logger.error("session failed: \(error)")
            state.sessionFailedToStart()
        }
        closeLater(recorder, id: id)
        strap?.closeFeed()
        // The music has stopped and its thread is gone: give back the code pages the session touched.
        trimWorkingSet(logger: logger)
    }

    /// A session whose end the journal could not take (a full disk): closed as interrupted, with
    /// its summary, by a thread that retries every second until the journal takes it, so space
    /// coming back is enough (no restart). Until then `lull status` shows the journal's error.
    private func closeLater(_ recorder: SessionRecorder, id: String) {
        state.journalWriteFailed(recorder.writeError)
        guard recorder.awaitingClose else { return }
        logger.error(
            "session \(id): the journal cannot be written (\(recorder.writeError ?? "?")); its end is kept in memory and written when it can be")
        let unclosed = UnclosedSession(recorder: recorder)
        Thread.detachNewThread { [state, logger] in
            while !unclosed.recorder.retryClose() {
                state.journalWriteFailed(unclosed.recorder.writeError)
                Thread.sleep(forTimeInterval: 1)
            }
            state.journalWriteFailed(nil)
            logger.notice("session \(id): closed in the journal as interrupted, with its summary")
        }
    }

    private var sourceText: String {
        let address = configuration.strap.address
        return configuration.strap.isSimulated ? address : address.hasPrefix("unix:") ? address : "strap:\(address)"
    }

    /// The session's settings from the configuration: the same choices `lull session` takes as flags.
    private func sessionSettings(minutes: Double) throws -> SessionSettings {
        let source: SessionPlan.Source
        var feed: StrapFeed?
        if configuration.strap.isSimulated {
            source = .simulate(ListenerProfile(name: configuration.strap.simulatedProfile) ?? .anxious)
        } else {
            do {
                source = .strap(try StrapTarget(parsing: configuration.strap.address, adapter: configuration.strap.adapter))
            } catch {
                throw DaemonError("strap.address \(configuration.strap.address): \(error)")
            }
            feed = strap?.openFeed()
        }
        let device = configuration.audio.device
        let audio = AudioDestination(configured: device)
        var settings = SessionSettings(
            plan: SessionPlan(source: source, audio: audio, plannedSeconds: minutes * 60, paced: true),
            seed: UInt64.random(in: 1...UInt64(UInt32.max)))
        settings.guidance = configuration.effectiveGuidance
        settings.timeScale = timeScale
        settings.audioPeriodFrames = configuration.audio.periodFrames
        settings.audioBufferFrames = configuration.audio.bufferFrames
        settings.strapFeed = feed
        return settings
    }

    private func settingsJSON(_ settings: SessionSettings, minutes: Double, plan: Plan) -> String {
        var w = JSONWriter()
        w.beginObject()
        if plan == .assess { w.field("plan", "assess") }
        w.field("source", sourceText)
        w.field("minutes", minutes)
        w.field("profile", configuration.strap.simulatedProfile)
        w.field("seed", "\(settings.seed)")
        w.field("audio", configuration.audio.device)
        w.field("time_scale", settings.timeScale)
        w.field("paced", true)
        w.field("daemon", true)
        w.field("palette", settings.palette.rawValue)
        if let guide = settings.guideTarget { SessionRecordJSON.guideFields(&w, guide) }
        w.endObject()
        return w.text
    }
}

/// A finished session's recorder, handed to the one thread that retries its close (no other code
/// uses it after the session).
private struct UnclosedSession: @unchecked Sendable {
    let recorder: SessionRecorder
}

extension MusicTarget {
    /// What a session's music starts from, before its first beat.
    static func initial(_ configuration: LullConfiguration) -> MusicTarget {
        SessionEngine(plannedSeconds: 60, guidance: configuration.effectiveGuidance).target
    }
}
