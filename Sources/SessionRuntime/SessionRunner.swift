// SPDX-License-Identifier: Apache-2.0
import LullWire
package import HeartSources
import BLEProtocol
package import BluetoothLinux
import Foundation
package import Assessment
package import Guidance
import HRVCore
package import ListenerModel
package import Session
package import SessionStore
import StdinBeats
import Synchronization
package import SynthCore

/// The settings of one session, whoever asked for it: `lull session` (from its flags) or the
/// daemon (from its configuration and the control API's request).
package struct SessionSettings {
    package var plan: SessionPlan
    /// Seed of the simulated listener and of the music.
    package var seed: UInt64 = 1
    /// Simulated listener only: the probability that a beat is turned into an artifact.
    package var artifactProbability: Double = 0
    package var guidance: GuidanceConfiguration = .default
    /// Simulated listener only: how many times faster than real time a paced session runs (the
    /// daemon's `session.time_scale`, for tests and demos). 1 is real time.
    package var timeScale: Double = 1
    package var audioPeriodFrames = 1_024
    package var audioBufferFrames = 4_096
    /// Where the beats come from, when the strap is already connected (the daemon hands over the
    /// supervisor it kept while idle); nil: a strap source opens its own supervisor.
    package var strapFeed: StrapFeed?
    /// Set for a resonance assessment (`lull assess`, the daemon's "assess" plan) instead of a session.
    package var assessment: AssessmentProtocol?
    /// Where the guide aims when it is not the default (the daemon's journal settings name it).
    package var guideTarget: GuideTarget?
    /// The instrumentation.
    package var palette: Palette = .default
    /// The listener's calm the music's tension is matched against (`SessionLaunch.tensionReference`).
    package var tensionReference: TensionReference = .population

    /// The rest is set by name where it differs from the default.
    package init(plan: SessionPlan, seed: UInt64 = 1) {
        self.plan = plan
        self.seed = seed
    }
}

/// A strap supervisor's events, already running, and where the session starts on its clock.
package struct StrapFeed {
    package var events: AsyncStream<StrapEvent>
    /// The supervisor's clock (seconds since it started) at the session's start: beat times are
    /// shifted by it, and beats from before it are not the session's.
    package var sessionStartSeconds: Double

    package init(events: AsyncStream<StrapEvent>, sessionStartSeconds: Double) {
        self.events = events
        self.sessionStartSeconds = sessionStartSeconds
    }
}

/// What the session loop reports as it goes, for an observer (the daemon's event stream).
package enum SessionProgress {
    /// A beat was delivered and the engine answered.
    case beat(SessionState, audioLUFS: Double?)
    /// The strap is silent at session time `seconds`; the music keeps its course.
    case silence(seconds: Double, target: MusicTarget)
    /// The loop is done at session time `seconds`; the fade and the summary follow.
    case ending(seconds: Double)
}

/// Runs one session: the source's beats through the engine, the engine's targets into the audio,
/// and the state out to the display or JSON lines and to an observer. Shared by `lull session` and
/// the daemon.
package struct SessionRunner {
    package let settings: SessionSettings
    package var plan: SessionPlan { settings.plan }
    package var engine: SessionEngine
    /// The display or JSON lines of `lull session`; nil in the daemon.
    package var output: SessionOutput?
    package let audio: SessionAudio
    /// The journal's side of the session, nil with `--no-record`.
    package var journal: SessionJournalTap?
    /// Told of every beat and strap silence, in the session's own task.
    package var observer: ((SessionProgress) -> Void)?
    package static let fadeSeconds = 3.0

    package init(settings: SessionSettings, output: SessionOutput?, recorder: SessionRecorder?) throws {
        self.settings = settings
        self.output = output
        journal = recorder.map { SessionJournalTap(recorder: $0) }
        engine =
            settings.assessment.map { SessionEngine(assessment: $0, guidance: settings.guidance) }
            ?? SessionEngine(
                plannedSeconds: settings.plan.plannedSeconds, guidance: settings.guidance,
                tensionReference: settings.tensionReference)
        audio = try SessionAudio(settings: settings, initial: engine.target)
    }

    /// Runs to the planned end, the end of the input, or a stop request; returns the summary.
    /// `clock` is the session's one clock (nil: real time, scaled by `timeScale` for simulated
    /// and replayed time); a test passes a `VirtualSessionClock`.
    package mutating func run(stop: StopRequest, clock: (any SessionClock)? = nil) async throws
        -> (SessionSummary, (Double?, Double?, UInt64))
    {
        // A strap runs in real time whatever the daemon's time scale (which speeds up simulation).
        var live = false
        if case .strap = plan.source { live = true }
        let clock = clock ?? ScaledSessionClock(timeScale: live ? 1 : settings.timeScale)
        var source = try makeSource(clock: clock)
        defer { source.close() }
        let (endSeconds, endedEarly) = try await loop(&source, clock: clock, stop: stop)
        journal?.flag(engine.finishBeats())
        observer?(.ending(seconds: endSeconds))
        if stop.isRequested { journal?.recorder.event(seconds: endSeconds, kind: .userStop) }
        let summary = engine.finish(at: endSeconds, endedEarly: endedEarly)
        try await audio.finish(at: endSeconds, fadeSeconds: Self.fadeSeconds)
        journalDeviceEvents(at: endSeconds)
        if audio.underruns > 0 {
            journal?.recorder.event(seconds: endSeconds, kind: .audioUnderruns, detail: "\(audio.underruns)")
        }
        journal?.recorder.event(seconds: endSeconds, kind: endedEarly ? .endedEarly : .complete)
        return (summary, (audio.measuredLUFS, audio.truePeakDBTP, audio.underruns))
    }

    /// The plan's source, made for this session.
    private func makeSource(clock: any SessionClock) throws(SessionRunError) -> any HeartSource {
        switch plan.source {
        case .simulate(let profile):
            let listener = SimulatedListener(
                profile: profile, seed: settings.seed, artifacts: .beats(probability: settings.artifactProbability),
                resonance: settings.assessment == nil ? nil : .seeded(settings.seed))
            return SimulatedSource(listener: listener, plannedSeconds: plan.plannedSeconds, paced: plan.paced)
        case .replay(let path):
            do {
                return try ReplaySource(path: path, plannedSeconds: plan.plannedSeconds, paced: plan.paced)
            } catch { throw SessionRunError(error.description) }
        case .stdin:
            return StdinSource(plannedSeconds: plan.plannedSeconds)
        case .strap(let target):
            // The daemon's supervisor stays its own (it outlives the session); `lull session` opens one.
            return StrapSource(
                target: target, events: settings.strapFeed?.events,
                offsetSeconds: settings.strapFeed?.sessionStartSeconds ?? 0, clock: clock)
        }
    }

    /// The session's one loop: every input of the source, until the plan, the source, an
    /// assessment's last step or a stop ends it. Returns where the session ended and whether early.
    private mutating func loop(_ source: inout any HeartSource, clock: any SessionClock, stop: StopRequest)
        async throws -> (Double, Bool)
    {
        /// Before the plan's end: early; at or past it: the plan's end, complete.
        func end(at seconds: Double) -> (Double, Bool) {
            seconds < plan.plannedSeconds ? (seconds, true) : (plan.plannedSeconds, false)
        }
        var lastBeatSeconds = 0.0
        // The journal's strap_lost/strap_back pair marks a gap once; the failed reconnect attempts
        // in between (each a `.lost` from the supervisor) are strap_retry events.
        var strapStreaming = false
        var result: (Double, Bool)
        loop: while true {
            let context = HeartContext(
                music: Self.music(engine.target, pacerPhase: engine.guidePhaseRadians), done: engine.assessmentComplete)
            let input: HeartInput
            do { input = try await source.next(context) } catch { throw SessionRunError(error.description) }
            // A source stamped on the clock (a strap) ends by the clock, whatever it delivers.
            if source.stampsOnClock {
                let t = clock.seconds
                if stop.isRequested {
                    result = (t, true)
                    break loop
                }
                if t >= plan.plannedSeconds {
                    result = (plan.plannedSeconds, false)
                    break loop
                }
                if engine.assessmentComplete {
                    result = (t, false)
                    break loop
                }
            }
            switch input {
            case .beat(let beat, let origin):
                if try await deliver(beat, live: source.isLive, origin: origin, pacedOn: source.needsPacing ? clock : nil,
                    after: lastBeatSeconds, stop: stop) == false
                {
                    result = end(at: beat.beatTimeSeconds)
                    break loop
                }
                lastBeatSeconds = beat.beatTimeSeconds
            case .idle:
                // The producer is silent: what arrived is committed, and a stop is heard.
                journal?.recorder.tick()
                if stop.isRequested {
                    result = end(at: lastBeatSeconds)
                    break loop
                }
            case .tick(let t):
                journalDeviceEvents(at: t)
                if t - lastBeatSeconds > 2 {
                    let target = engine.silence(at: t)
                    audio.apply(target)
                    let lufs = audio.shortTermLUFS
                    journal?.music(target, at: t, measuredLUFS: lufs)
                    observer?(.silence(seconds: t, target: target))
                }
                journal?.recorder.tick()
            case .strap(let event, let t):
                try strapEvent(event, at: t, streaming: &strapStreaming)
            case .end(let seconds):
                result = end(at: seconds)
                break loop
            }
        }
        // An assessment ends with its last step, before the plan's longest length.
        if engine.assessmentComplete { result.1 = false }
        return result
    }

    /// The one path of a beat: paced (when the source needs it), bounded to the live range (live
    /// sources), into the audio, the engine, the journal, the output and the observer. False when
    /// asked to stop (or an assessment is done) before it was delivered.
    private mutating func deliver(
        _ beat: RRInterval, live: Bool, origin: BeatOrigin?, pacedOn clock: (any SessionClock)?, after lastSeconds: Double,
        stop: StopRequest
    ) async throws -> Bool {
        if stop.isRequested || engine.assessmentComplete { return false }
        if let clock {
            let due = beat.beatTimeSeconds
            while clock.seconds < due {
                if stop.isRequested { return false }
                journal?.recorder.tick()  // beats already in commit while the next is awaited
                try? await clock.sleep(untilSeconds: min(due, clock.seconds + 0.2 * settings.timeScale))
            }
        }
        var beat = beat
        if live, !RRBounds.liveMilliseconds.contains(beat.milliseconds) {
            // A strap can send 0 or 64 s (a 16-bit field in 1/1024 s), a program anything: outside
            // the live range a beat is an artifact (left out of the metrics like a beat without
            // skin contact, with the nearest accepted length), and the music goes on.
            let where_ = origin.map { "\($0): " } ?? ""
            journal?.recorder.event(
                seconds: lastSeconds, kind: .rrOutOfRange, detail: "\(where_)\(beat.milliseconds) ms")
            beat = RRBounds.live(beat)
        }
        try audio.advance(to: beat.beatTimeSeconds)
        journalDeviceEvents(at: beat.beatTimeSeconds)
        let state = engine.receive(beat)
        let decisions = engine.takeDecisions()
        audio.apply(state.target)
        let lufs = audio.shortTermLUFS
        journal?.record(state, decisions: decisions, measuredLUFS: lufs)
        output?.beat(state, audioLUFS: lufs)
        observer?(.beat(state, audioLUFS: lufs))
        return true
    }

    /// A sound card that disappeared or came back: into the journal; the music goes on regardless.
    private func journalDeviceEvents(at seconds: Double) {
        for event in audio.takeDeviceEvents() {
            journal?.recorder.event(seconds: seconds, kind: event.kind, detail: event.detail)
        }
    }

    /// The strap's state, battery and name: into the engine (gaps), the journal and the display.
    private mutating func strapEvent(_ event: StrapEvent, at t: Double, streaming strapStreaming: inout Bool)
        throws(SessionRunError)
    {
        switch event {
        case .measurement: break  // beats come as beats
        case .state(let state, let counters):
            switch state {
            case .streaming:
                engine.strapBack(at: t)
                strapStreaming = true
                journal?.recorder.event(
                    seconds: t, kind: counters.connections > 1 ? .strapBack : .strapConnected,
                    detail: "connection \(counters.connections)")
                output?.event("streaming (connection \(counters.connections))", at: t)
            case .lost(let reason):
                engine.strapLost(at: t)
                journal?.recorder.event(seconds: t, kind: strapStreaming ? .strapLost : .strapRetry, detail: "\(reason)")
                strapStreaming = false
                output?.event("lost: \(reason); the music continues", at: t)
            case .connecting(let attempt):
                output?.event("connecting (attempt \(attempt))", at: t)
            case .reconnecting(let attempt, let delay):
                output?.event("reconnecting in \(String(format: "%.1f", delay)) s (attempt \(attempt))", at: t)
            case .failed(let reason):
                journal?.recorder.event(seconds: t, kind: .strapFailed, detail: reason)
                throw SessionRunError(reason)
            }
        case .batteryLevel(let percent):
            output?.event("battery \(percent) %", at: t)
        case .deviceName(let name):
            journal?.recorder.event(seconds: t, kind: .strapDevice, detail: name)
            output?.event("device \(name)", at: t)
        }
    }

    package static func music(_ t: MusicTarget, pacerPhase: Double? = nil) -> MusicState {
        MusicState(
            tempoBPM: t.tempoBPM, loudnessLUFS: t.heardLoudnessLUFS, swellBreathsPerMinute: t.swellBreathsPerMinute,
            swellDepthLU: t.swellDepthLU, swellPhaseRadians: pacerPhase, tension: t.tension)
    }
}

/// Set from a signal handler, read by the session loop.
package final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)
    package init() {}
    package func request() { flag.store(true, ordering: .relaxed) }
    package var isRequested: Bool { flag.load(ordering: .relaxed) }
}
