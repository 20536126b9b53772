import Guidance
import HRVCore
import ListenerModel

// SPDX-License-Identifier: Apache-2.0

/// One beat of a closed-loop run, as the `lull session --json` line would carry it.
struct SessionRow: Sendable {
    var seconds: Double
    /// Nil on rows written for a strap gap (no beat).
    var snapshot: HRVSnapshot?
    var target: MusicTarget
    var truth: ListenerGroundTruth?
}

/// Simulated listener -> HRVStream -> IsoController -> music -> listener, beat by beat: the loop
/// `lull session --source simulate` runs, without audio.
struct ClosedLoopSession {
    static func run(
        profile: ListenerProfile, seed: UInt64, artifacts: ArtifactInjection = .none, minutes: Double = 20,
        configuration: GuidanceConfiguration = .default
    ) -> [SessionRow] {
        var controller = IsoController(configuration: configuration, plannedSessionSeconds: minutes * 60)
        return run(profile: profile, seed: seed, artifacts: artifacts, controller: &controller)
    }

    /// The same with a controller of the caller's, to read its state afterwards.
    static func run(
        profile: ListenerProfile, seed: UInt64, artifacts: ArtifactInjection = .none, controller: inout IsoController
    ) -> [SessionRow] {
        var listener = SimulatedListener(profile: profile, seed: seed, artifacts: artifacts)
        return drive(controller: &controller) { target in
            let beat = listener.nextBeat(music: musicState(target))
            return (beat.rrInterval, beat.truth)
        }
    }

    /// A recording replayed open loop (`lull session --source replay:FILE`): it does not listen.
    static func replay(rrMilliseconds: [Double], minutes: Double = 20) -> [SessionRow] {
        var index = 0
        var seconds = 0.0
        return drive(plannedSeconds: minutes * 60) { _ in
            guard index < rrMilliseconds.count else { return nil }
            seconds += rrMilliseconds[index] / 1000
            index += 1
            return (RRInterval(milliseconds: rrMilliseconds[index - 1], beatTimeSeconds: seconds), nil)
        }
    }

    /// The per-beat loop of a session. A strap silence longer than 2 s is bridged with
    /// `update(sessionSeconds:signal: .gap)` once a second, as a live session would, and the run ends
    /// with one update at the planned length (also when the source runs dry first).
    static func drive(
        plannedSeconds planned: Double, configuration: GuidanceConfiguration = .default,
        nextBeat: (MusicTarget) -> (RRInterval, ListenerGroundTruth?)?
    ) -> [SessionRow] {
        var controller = IsoController(configuration: configuration, plannedSessionSeconds: planned)
        return drive(controller: &controller, nextBeat: nextBeat)
    }

    static func drive(
        controller: inout IsoController, nextBeat: (MusicTarget) -> (RRInterval, ListenerGroundTruth?)?
    ) -> [SessionRow] {
        let planned = controller.plannedSessionSeconds
        var stream = HRVStream(configuration: .live)
        var rows: [SessionRow] = []
        rows.reserveCapacity(Int(planned * 2))
        var target = controller.target
        var lastSeconds = 0.0
        while true {
            let next = nextBeat(target)
            let beatSeconds = next?.0.beatTimeSeconds ?? planned + 1
            var gapSeconds = lastSeconds + 1
            while min(beatSeconds, planned) - gapSeconds > 1 {
                target = controller.update(sessionSeconds: gapSeconds, signal: .gap)
                rows.append(SessionRow(seconds: gapSeconds, snapshot: nil, target: target, truth: nil))
                gapSeconds += 1
            }
            guard let (beat, truth) = next, beatSeconds <= planned else {
                target = controller.update(sessionSeconds: planned, signal: .gap)
                rows.append(SessionRow(seconds: planned, snapshot: nil, target: target, truth: nil))
                break
            }
            let snapshot = stream.append(beat)
            target = controller.update(snapshot: snapshot, sessionSeconds: beatSeconds)
            rows.append(SessionRow(seconds: beatSeconds, snapshot: snapshot, target: target, truth: truth))
            lastSeconds = beatSeconds
        }
        return rows
    }

    /// What the listener hears: the target with the session envelope folded into the level.
    static func musicState(_ target: MusicTarget) -> MusicState {
        MusicState(
            tempoBPM: target.tempoBPM, loudnessLUFS: target.heardLoudnessLUFS, swellBreathsPerMinute: target.swellBreathsPerMinute,
            swellDepthLU: target.swellDepthLU, tension: target.tension)
    }
}

/// First against last minutes of a run, from the snapshots (what the session summary reports).
struct SessionSummary: Sendable {
    var firstHeartRateBPM: Double
    var lastHeartRateBPM: Double
    var firstRMSSDMilliseconds: Double
    var lastRMSSDMilliseconds: Double
    var firstBreathsPerMinute: Double
    var lastBreathsPerMinute: Double

    init(_ rows: [SessionRow], windowSeconds: Double = 300) {
        let end = rows.last?.seconds ?? 0
        func mean(_ range: ClosedRange<Double>, _ value: (HRVSnapshot) -> Double?) -> Double {
            let values = rows.filter { range.contains($0.seconds) }.compactMap { $0.snapshot.flatMap(value) }
            return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        }
        let first = 0...windowSeconds
        let last = (end - windowSeconds)...end
        firstHeartRateBPM = mean(first) { $0.heartRateBPM }
        lastHeartRateBPM = mean(last) { $0.heartRateBPM }
        firstRMSSDMilliseconds = mean(first) { $0.rmssdMilliseconds }
        lastRMSSDMilliseconds = mean(last) { $0.rmssdMilliseconds }
        firstBreathsPerMinute = mean(first) { $0.breathingRatePerMinute }
        lastBreathsPerMinute = mean(last) { $0.breathingRatePerMinute }
    }

    var heartRateDropBPM: Double { firstHeartRateBPM - lastHeartRateBPM }
    var rmssdRiseFraction: Double { lastRMSSDMilliseconds / firstRMSSDMilliseconds - 1 }
}
