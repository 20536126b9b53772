// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Assessment
import Foundation
import Guidance
import Session
import SynthCore
import Synchronization

/// Everything the daemon knows right now, shared by the session loop, the strap monitor, the
/// control API, the ticker and the watchdog. One lock, held only to copy or update values; the
/// session loop's observer updates it synchronously on every beat.
final class DaemonState: Sendable {
    enum Phase: String, Sendable {
        case idle, running, ending
    }

    /// The strap as `/api/status` shows it.
    struct Strap: Sendable, Equatable {
        /// simulated | searching | connecting | connected | no_contact | lost | unavailable
        var state: String
        var name: String?
        var batteryPercent: Int?
        /// What an `unavailable` strap waits for, in one line ("no Bluetooth adapter hci0: waiting for one").
        var detail: String?
    }

    /// The session that is running (or ending).
    struct Running: Sendable {
        var id: Int64?
        var client: String?
        var minutes: Double
        var timeScale: Double
        var startedAt: ContinuousClock.Instant
        var stop: StopRequest
        var target: MusicTarget
        /// When the session loop last reported a beat or a strap silence: its heartbeat.
        var lastProgressAt: ContinuousClock.Instant
        var beats = 0
        var swell: SwellProbe?
        /// Without audio, the swell's phase is integrated here (the renderer does it otherwise).
        var integratedSwellPhase = 0.0
        var integratedAtSeconds = 0.0
        /// During a resonance assessment: its settle period or step.
        var assessment: AssessmentPosition?
        /// The instrumentation, once the session has started.
        var palette: Palette?
    }

    /// The last session that ended, for `last_summary` and the kiosk's closing screen.
    struct Finished: Sendable {
        var id: Int64?
        var client: String?
        var summary: SessionSummary
        var audio: SessionAudioFigures
    }

    struct Snapshot: Sendable {
        var phase = Phase.idle
        var strap: Strap
        var running: Running?
        var last: Finished?
        var shuttingDown = false
        /// Why the journal cannot be written now (a full disk), nil while it can.
        var journalError: String?
        /// What the sound card problem is (`SoundCardMonitor`), nil while the device opens.
        var audioProblem: String?
        /// Finished sessions the clinic store has not confirmed; nil when sync is not configured.
        var syncWaiting: Int?
    }

    let durationsMinutes: [Int]
    /// The palette offered first to a client with no earlier choice (`session.palette`).
    let defaultPalette: Palette
    let events = EventHub()
    private let state: Mutex<Snapshot>

    init(strap: Strap, durationsMinutes: [Int], defaultPalette: Palette = .default) {
        self.durationsMinutes = durationsMinutes
        self.defaultPalette = defaultPalette
        state = Mutex(Snapshot(strap: strap))
    }

    var snapshot: Snapshot { state.withLock { $0 } }

    // MARK: Session lifecycle

    enum BeginRefusal: Error {
        case busy, shuttingDown
    }

    /// Claims the daemon for a new session (idle -> running), or says why not.
    func beginSession(minutes: Double, client: String?, timeScale: Double, initial: MusicTarget)
        -> Result<StopRequest, BeginRefusal>
    {
        let result: Result<StopRequest, BeginRefusal> = state.withLock { s in
            if s.shuttingDown { return .failure(.shuttingDown) }
            guard s.phase == .idle else { return .failure(.busy) }
            let now = ContinuousClock.now
            let stop = StopRequest()
            s.phase = .running
            s.running = Running(
                client: client, minutes: minutes, timeScale: timeScale, startedAt: now, stop: stop, target: initial,
                lastProgressAt: now)
            return .success(stop)
        }
        if case .success = result { publishStatus() }
        return result
    }

    /// The journal row exists and the music is playing; the clock of the session starts now.
    func sessionStarted(id: Int64?, swell: SwellProbe?, palette: Palette? = nil) {
        state.withLock { s in
            s.running?.id = id
            s.running?.palette = palette
            s.running?.swell = swell
            s.running?.startedAt = .now
            s.running?.lastProgressAt = .now
        }
        publishStatus()
    }

    /// The session could not start (audio device, journal): back to idle.
    func sessionFailedToStart() {
        state.withLock { s in
            s.phase = .idle
            s.running = nil
        }
        publishStatus()
    }

    /// A stop from the API or a shutdown: the session ends softly. False when none runs.
    func requestStop() -> Bool {
        let stopped: Bool = state.withLock { s in
            guard let running = s.running else { return false }
            running.stop.request()
            if s.phase == .running { s.phase = .ending }
            return true
        }
        if stopped { publishStatus() }
        return stopped
    }

    func sessionFinished(summary: SessionSummary, audio: SessionAudioFigures) {
        let finished: Finished? = state.withLock { s in
            guard let running = s.running else { return nil }
            let finished = Finished(id: running.id, client: running.client, summary: summary, audio: audio)
            s.last = finished
            s.running = nil
            s.phase = .idle
            return finished
        }
        if let finished { events.publish(EventHub.event("summary", DaemonJSON.summary(finished))) }
        publishStatus()
    }

    /// No new sessions; the running one is asked to end softly.
    func beginShutdown() {
        state.withLock { $0.shuttingDown = true }
        _ = requestStop()
    }

    // MARK: Progress

    /// The session loop's observer: updates the state and sends the beat event.
    func progress(_ progress: SessionProgress) {
        let now = ContinuousClock.now
        let (changedPhase, beatEvent): (Bool, String?) = state.withLock { s in
            guard var running = s.running else { return (false, nil) }
            let before = running.target.phase
            let beforeStep = running.assessment.map { ($0.phase, $0.stepIndex, $0.attempt) }
            running.lastProgressAt = now
            var event: String?
            switch progress {
            case .beat(let sessionState, let audioLUFS):
                running.target = sessionState.target
                running.assessment = sessionState.assessment
                running.beats += 1
                let seconds = Self.sessionSeconds(running, at: now)
                let swellPhase = Self.swellPhase(&running, atSessionSeconds: seconds)
                event = DaemonJSON.beat(
                    sessionState, audioLUFS: audioLUFS, running: running,
                    remainingSeconds: max(0, running.minutes * 60 - seconds), swellPhase: swellPhase)
            case .silence(_, let target):
                running.target = target
            case .ending:
                if s.phase == .running { s.phase = .ending }
                s.running = running
                return (true, nil)
            }
            s.running = running
            let step = running.assessment.map { ($0.phase, $0.stepIndex, $0.attempt) }
            return (before != running.target.phase || beforeStep.map(String.init(describing:)) != step.map(String.init(describing:)), event)
        }
        if let beatEvent { events.publish(EventHub.event("beat", beatEvent)) }
        if changedPhase { publishStatus() }
    }

    /// The journal's write failure (nil: writing works again), shown by `/api/status`.
    func journalWriteFailed(_ reason: String?) { update(\.journalError, to: reason) }

    // MARK: Strap

    func strapChanged(_ strap: Strap) { update(\.strap, to: strap) }

    func audioChanged(_ problem: String?) { update(\.audioProblem, to: problem) }

    /// From the clinic sync service: sessions still waiting for the store.
    func syncWaiting(_ count: Int) { update(\.syncWaiting, to: count) }

    /// Sets one field of the snapshot; the pages hear a `status` event only when it changed.
    private func update<Value: Equatable & Sendable>(_ field: WritableKeyPath<Snapshot, Value>, to value: Value) {
        let changed = state.withLock { s in
            defer { s[keyPath: field] = value }
            return s[keyPath: field] != value
        }
        if changed { publishStatus() }
    }

    // MARK: Output

    func publishStatus() { events.publish(EventHub.event("status", statusJSON())) }

    func statusJSON(redacted: Bool = false) -> String {
        DaemonJSON.status(
            snapshot, durationsMinutes: durationsMinutes, defaultPalette: defaultPalette, now: .now, redacted: redacted)
    }

    /// The `swell` event, once a second while a session runs; nil when idle.
    func swellEvent() -> String? {
        let now = ContinuousClock.now
        return state.withLock { s -> String? in
            guard var running = s.running, s.phase != .idle else { return nil }
            let seconds = Self.sessionSeconds(running, at: now)
            let phase = Self.swellPhase(&running, atSessionSeconds: seconds)
            s.running = running
            return DaemonJSON.swell(running: running, sessionSeconds: seconds, swellPhase: phase)
        }
    }

    /// systemd's STATUS= line: "idle", "session 7 min left", "session: strap lost, music continues";
    /// idle, what the daemon waits for follows ("idle; no Bluetooth adapter hci0: waiting for one").
    func statusLine() -> String {
        let s = snapshot
        guard let running = s.running else {
            if s.shuttingDown { return "stopping" }
            return (["idle"] + [s.strap.detail, s.audioProblem].compactMap { $0 }).joined(separator: "; ")
        }
        if s.phase == .ending { return "session ending" }
        if ["lost", "searching", "connecting", "no_contact", "unavailable"].contains(s.strap.state) && running.beats > 0 {
            return "session: strap lost, music continues"
        }
        let remaining = max(0, running.minutes * 60 - Self.sessionSeconds(running, at: .now))
        return "session \(Int((remaining / 60).rounded(.up))) min left"
    }

    // MARK: Clocks

    /// Session time now: wall time since the start, times the time scale, capped at the plan.
    static func sessionSeconds(_ running: Running, at now: ContinuousClock.Instant) -> Double {
        let d = now - running.startedAt
        let wall = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return min(running.minutes * 60, max(0, wall * running.timeScale))
    }

    /// The swell's phase as heard at session time `seconds`: the renderer's, corrected for what is
    /// buffered, or (without audio) integrated from the guide rate.
    static func swellPhase(_ running: inout Running, atSessionSeconds seconds: Double) -> Double {
        let rate = running.target.swellBreathsPerMinute
        if let probe = running.swell { return probe.phase(atSessionSeconds: seconds, breathsPerMinute: rate) }
        let dt = max(0, seconds - running.integratedAtSeconds)
        running.integratedSwellPhase = fraction(running.integratedSwellPhase + rate / 60 * dt)
        running.integratedAtSeconds = seconds
        return running.integratedSwellPhase
    }

    static func fraction(_ x: Double) -> Double { x - x.rounded(.down) }
}
