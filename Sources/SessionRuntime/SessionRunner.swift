// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
import BluetoothLinux
import Foundation
import Assessment
import Guidance
import HRVCore
import ListenerModel
import Session
import SessionStore
import StdinBeats
import Synchronization

/// The settings of one session, whoever asked for it: `lull session` (from its flags) or the
/// daemon (from its configuration and the control API's request).
struct SessionSettings {
    var plan: SessionPlan
    /// Seed of the simulated listener and of the music.
    var seed: UInt64 = 1
    /// Simulated listener only: the probability that a beat is turned into an artifact.
    var artifactProbability: Double = 0
    var guidance: GuidanceConfiguration = .default
    /// Simulated listener only: how many times faster than real time a paced session runs (the
    /// daemon's `session.time_scale`, for tests and demos). 1 is real time.
    var timeScale: Double = 1
    var audioPeriodFrames = 1_024
    var audioBufferFrames = 4_096
    /// Where the beats come from, when the strap is already connected (the daemon hands over the
    /// supervisor it kept while idle); nil: a strap source opens its own supervisor.
    var strapFeed: StrapFeed?
    /// Set for a resonance assessment (`lull assess`, the daemon's "assess" plan) instead of a session.
    var assessment: AssessmentProtocol?
    /// Where the guide aims when it is not the default (the daemon's journal settings name it).
    var guideTarget: GuideTarget?
}

/// A strap supervisor's events, already running, and where the session starts on its clock.
struct StrapFeed {
    var events: AsyncStream<StrapEvent>
    /// The supervisor's clock (seconds since it started) at the session's start: beat times are
    /// shifted by it, and beats from before it are not the session's.
    var sessionStartSeconds: Double
}

/// What the session loop reports as it goes, for an observer (the daemon's event stream).
enum SessionProgress {
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
struct SessionRunner {
    let settings: SessionSettings
    var plan: SessionPlan { settings.plan }
    var engine: SessionEngine
    /// The display or JSON lines of `lull session`; nil in the daemon.
    var output: SessionOutput?
    let audio: SessionAudio
    /// The journal's side of the session, nil with `--no-record`.
    var journal: SessionJournalTap?
    /// Told of every beat and strap silence, in the session's own task.
    var observer: ((SessionProgress) -> Void)?
    static let fadeSeconds = 3.0

    init(settings: SessionSettings, output: SessionOutput?, recorder: SessionRecorder?) throws {
        self.settings = settings
        self.output = output
        journal = recorder.map { SessionJournalTap(recorder: $0) }
        engine =
            settings.assessment.map { SessionEngine(assessment: $0, guidance: settings.guidance) }
            ?? SessionEngine(plannedSeconds: settings.plan.plannedSeconds, guidance: settings.guidance)
        audio = try SessionAudio(settings: settings, initial: engine.target)
    }

    /// Runs to the planned end, the end of the input, or a stop request; returns the summary.
    mutating func run(stop: StopRequest) async throws -> (SessionSummary, (Double?, Double?, UInt64)) {
        let start = ContinuousClock.now
        var endSeconds = plan.plannedSeconds
        var endedEarly = false
        switch plan.source {
        case .simulate(let profile):
            var listener = SimulatedListener(
                profile: profile, seed: settings.seed, artifacts: .beats(probability: settings.artifactProbability),
                resonance: settings.assessment == nil ? nil : .seeded(settings.seed))
            while true {
                let beat = listener.nextBeat(music: Self.music(engine.target, pacerPhase: engine.guidePhaseRadians))
                guard beat.beatTimeSeconds <= plan.plannedSeconds else { break }
                if try await deliver(beat.rrInterval, start: start, stop: stop) == false {
                    endSeconds = beat.beatTimeSeconds
                    endedEarly = true
                    break
                }
            }
        case .replay(let path):
            let rr: [Double]
            do {
                rr = try RRText.parse(try String(contentsOfFile: path, encoding: .utf8))
            } catch let error as RRTextError {
                throw CommandFailure("\(path): \(error)")
            } catch {
                throw CommandFailure("cannot read \(path): \(error.localizedDescription)")
            }
            var last = 0.0
            for beat in RecordingAnalysis.beats(milliseconds: rr) {
                guard beat.beatTimeSeconds <= plan.plannedSeconds else { break }
                last = beat.beatTimeSeconds
                if try await deliver(beat, start: start, stop: stop) == false {
                    endedEarly = true
                    break
                }
            }
            if last < plan.plannedSeconds {
                endSeconds = last
                endedEarly = true
            }
        case .stdin:
            var t = 0.0
            var lineNumber = 0
            var lines = StdinLines()
            reading: while true {
                let line: String
                switch lines.next(timeoutMilliseconds: 200) {
                case .end: break reading
                case .idle:
                    // The producer is silent: what arrived is committed, and a stop is heard.
                    journal?.recorder.tick()
                    if stop.isRequested { break reading }
                    continue reading
                case .tooLong:
                    throw CommandFailure(
                        "stdin line \(lineNumber + 1): longer than \(LineSplitter.maximumLineBytes) bytes; "
                            + "one RR interval in ms per line")
                case .line(let text): line = text
                }
                lineNumber += 1
                let rr: Double
                var contact = true
                switch StdinBeat(line: line) {
                case .skip: continue reading
                case .invalid:
                    let text = line.trimmingCharacters(in: .whitespaces)
                    throw CommandFailure("stdin line \(lineNumber): '\(text.prefix(40))' is not an RR interval in ms")
                case .beat(let milliseconds): rr = milliseconds
                case .outOfRange(let milliseconds):
                    // An artifact: left out of the metrics like a beat without skin contact, and
                    // given the nearest accepted length so the clock moves by a heartbeat at most.
                    journal?.recorder.event(
                        seconds: t, kind: "rr_out_of_range", detail: "stdin line \(lineNumber): \(milliseconds) ms")
                    rr = RRBounds.live(RRInterval(milliseconds: milliseconds, beatTimeSeconds: t)).milliseconds
                    contact = false
                }
                t += rr / 1000
                let beat = RRInterval(milliseconds: rr, beatTimeSeconds: t, contact: contact)
                if try await deliver(beat, start: start, stop: stop) == false {
                    break reading
                }
                if t >= plan.plannedSeconds || engine.assessmentComplete { break reading }
            }
            if t < plan.plannedSeconds {
                endSeconds = t
                endedEarly = true
            }
        case .strap(let target):
            (endSeconds, endedEarly) = try await runStrap(target, start: start, stop: stop)
        }
        // An assessment ends with its last step, before the plan's longest length.
        if engine.assessmentComplete { endedEarly = false }
        journal?.finishBeats()
        observer?(.ending(seconds: endSeconds))
        if stop.isRequested { journal?.recorder.event(seconds: endSeconds, kind: "user_stop") }
        let summary = engine.finish(at: endSeconds, endedEarly: endedEarly)
        try audio.finish(at: endSeconds, fadeSeconds: Self.fadeSeconds)
        journalDeviceEvents(at: endSeconds)
        if audio.underruns > 0 {
            journal?.recorder.event(seconds: endSeconds, kind: "audio_underruns", detail: "\(audio.underruns)")
        }
        journal?.recorder.event(seconds: endSeconds, kind: endedEarly ? "ended_early" : "complete")
        return (summary, (audio.measuredLUFS, audio.truePeakDBTP, audio.underruns))
    }

    /// Paces (when live), advances the audio, feeds the engine, prints. False when asked to stop.
    private mutating func deliver(_ beat: RRInterval, start: ContinuousClock.Instant, stop: StopRequest) async throws
        -> Bool
    {
        if stop.isRequested || engine.assessmentComplete { return false }
        if plan.paced {
            let due = start + .milliseconds(Int64(beat.beatTimeSeconds * 1000 / settings.timeScale))
            while ContinuousClock.now < due {
                if stop.isRequested { return false }
                journal?.recorder.tick()  // beats already in commit while the next is awaited
                try? await Task.sleep(until: min(due, ContinuousClock.now + .milliseconds(200)), clock: .continuous)
            }
        }
        try audio.advance(to: beat.beatTimeSeconds)
        journalDeviceEvents(at: beat.beatTimeSeconds)
        let state = engine.receive(beat)
        audio.apply(state.target)
        let lufs = audio.shortTermLUFS
        journal?.record(state, measuredLUFS: lufs)
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

    /// A strap source: events from the supervisor, merged with a 1-second tick so the music keeps
    /// its course (and the close still comes) while the strap is silent.
    private mutating func runStrap(_ target: StrapTarget, start: ContinuousClock.Instant, stop: StopRequest)
        async throws -> (Double, Bool)
    {
        enum Input: Sendable {
            case event(StrapEvent)
            case tick
            case ended
        }
        // The daemon's supervisor stays its own (it outlives the session); `lull session` opens one.
        let supervisor = settings.strapFeed == nil ? StrapSupervisor(target: target) : nil
        let (inputs, continuation) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .bufferingNewest(4096))
        let events = settings.strapFeed?.events ?? supervisor!.events()
        let beatOffsetSeconds = settings.strapFeed?.sessionStartSeconds ?? 0
        func now() -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await e in events { continuation.yield(.event(e)) }
                continuation.yield(.ended)
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    continuation.yield(.tick)
                }
            }
            defer {
                supervisor?.stop()
                group.cancelAll()
                continuation.finish()
            }
            var lastBeat = 0.0
            var failure: String?
            // The journal's strap_lost/strap_back pair marks a gap once; the failed reconnect
            // attempts in between (each a `.lost` from the supervisor) are strap_retry events.
            var strapStreaming = false
            loop: for await input in inputs {
                let t = now()
                if stop.isRequested { return (t, true) }
                if t >= plan.plannedSeconds { return (plan.plannedSeconds, false) }
                if engine.assessmentComplete { return (t, false) }
                switch input {
                case .tick:
                    journalDeviceEvents(at: t)
                    if t - lastBeat > 2 {
                        let target = engine.silence(at: t)
                        audio.apply(target)
                        let lufs = audio.shortTermLUFS
                        journal?.music(target, at: t, measuredLUFS: lufs)
                        observer?(.silence(seconds: t, target: target))
                    }
                    journal?.recorder.tick()
                case .event(.measurement(let m)):
                    for b in m.beats where b.beatTimeSeconds - beatOffsetSeconds > lastBeat {
                        lastBeat = b.beatTimeSeconds - beatOffsetSeconds
                        // A strap can send 0 or 64 s (a 16-bit field in 1/1024 s): outside the
                        // live range it is an artifact, and the music goes on.
                        let state = engine.receive(
                            RRBounds.live(RRInterval(milliseconds: b.milliseconds, beatTimeSeconds: lastBeat, contact: b.contact)))
                        audio.apply(state.target)
                        let lufs = audio.shortTermLUFS
                        journal?.record(state, measuredLUFS: lufs)
                        output?.beat(state, audioLUFS: lufs)
                        observer?(.beat(state, audioLUFS: lufs))
                    }
                case .event(.state(let state, let counters)):
                    switch state {
                    case .streaming:
                        engine.strapBack(at: t)
                        strapStreaming = true
                        journal?.recorder.event(
                            seconds: t, kind: counters.connections > 1 ? "strap_back" : "strap_connected",
                            detail: "connection \(counters.connections)")
                        output?.event("streaming (connection \(counters.connections))", at: t)
                    case .lost(let reason):
                        engine.strapLost(at: t)
                        journal?.recorder.event(
                            seconds: t, kind: strapStreaming ? "strap_lost" : "strap_retry", detail: "\(reason)")
                        strapStreaming = false
                        output?.event("lost: \(reason); the music continues", at: t)
                    case .connecting(let attempt):
                        output?.event("connecting (attempt \(attempt))", at: t)
                    case .reconnecting(let attempt, let delay):
                        output?.event("reconnecting in \(String(format: "%.1f", delay)) s (attempt \(attempt))", at: t)
                    case .failed(let reason):
                        journal?.recorder.event(seconds: t, kind: "strap_failed", detail: reason)
                        failure = reason
                        break loop
                    }
                case .event(.batteryLevel(let percent)):
                    output?.event("battery \(percent) %", at: t)
                case .event(.deviceName(let name)):
                    journal?.recorder.event(seconds: t, kind: "strap_device", detail: name)
                    output?.event("device \(name)", at: t)
                case .ended:
                    break loop
                }
            }
            if let failure { throw CommandFailure(failure) }
            return (now(), true)
        }
    }

    static func music(_ t: MusicTarget, pacerPhase: Double? = nil) -> MusicState {
        MusicState(
            tempoBPM: t.tempoBPM, loudnessLUFS: t.heardLoudnessLUFS, swellBreathsPerMinute: t.swellBreathsPerMinute,
            swellDepthLU: t.swellDepthLU, swellPhaseRadians: pacerPhase)
    }
}

/// Set from a signal handler, read by the session loop.
final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)
    func request() { flag.store(true, ordering: .relaxed) }
    var isRequested: Bool { flag.load(ordering: .relaxed) }
}
