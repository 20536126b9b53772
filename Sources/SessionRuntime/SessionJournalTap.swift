// SPDX-License-Identifier: Apache-2.0
import LullWire
import HeartSources
package import Guidance
package import HRVCore
package import Session
package import SessionStore

/// What the session loop hands the journal: every beat as delivered with the artifact filter's
/// later verdict on it, and an HRV snapshot and the music target once per 5 s of session time (the
/// first at the first beat).
package struct SessionJournalTap {
    package let recorder: SessionRecorder
    package static let everySeconds = 5.0
    private var nextSnapshotSeconds = 0.0
    private var nextMusicSeconds = 0.0

    package init(recorder: SessionRecorder) { self.recorder = recorder }

    /// A delivered beat, and the verdicts the engine's artifact filter gave with it (on this beat
    /// or earlier ones: the snapshot carries only the newest, while the filter decides the first 40
    /// beats at once when its thresholds warm up and sometimes two beats in one examination).
    package mutating func record(_ state: SessionState, decisions: [ArtifactDecision], measuredLUFS: Double?) {
        recorder.beat(
            seconds: state.beat.beatTimeSeconds, rrMilliseconds: state.beat.milliseconds, flag: state.flag.rawValue,
            contact: state.beat.contact)
        flag(decisions)
        if state.seconds >= nextSnapshotSeconds {
            nextSnapshotSeconds = Self.next(after: state.seconds)
            let s = state.snapshot
            recorder.snapshot(
                SnapshotRow(
                    seconds: state.seconds, heartRateBPM: s.heartRateBPM, rmssdMilliseconds: s.rmssdMilliseconds,
                    sdnnMilliseconds: s.timeDomain?.sdnnMilliseconds, breathingRatePerMinute: s.breathingRatePerMinute,
                    coherence: s.coherence, lfMs2: s.frequencyDomain?.lfMs2, hfMs2: s.frequencyDomain?.hfMs2,
                    artifactPercent: s.artifactPercent))
        }
        music(state.target, at: state.seconds, measuredLUFS: measuredLUFS)
    }

    /// Verdicts on beats already recorded (the last ones come when the session ends).
    package func flag(_ decisions: [ArtifactDecision]) {
        for decision in decisions {
            recorder.flagBeat(seconds: decision.beat.beatTimeSeconds, flag: decision.flag.rawValue)
        }
    }

    /// The music target, when 5 s have passed since the last one (also called while the strap is silent).
    package mutating func music(_ target: MusicTarget, at seconds: Double, measuredLUFS: Double?) {
        guard seconds >= nextMusicSeconds else { return }
        nextMusicSeconds = Self.next(after: seconds)
        recorder.music(
            MusicRow(
                seconds: seconds, phase: target.phase.rawValue, tempoBPM: target.tempoBPM,
                loudnessLUFS: target.loudnessLUFS, swellBreathsPerMinute: target.swellBreathsPerMinute,
                swellDepthLU: target.swellDepthLU, measuredLUFS: measuredLUFS, tension: target.tension))
    }

    /// The next 5-s mark after `seconds`, on the grid 0, 5, 10, ... so rows line up across sessions.
    package static func next(after seconds: Double) -> Double { ((seconds / everySeconds).rounded(.down) + 1) * everySeconds }
}
