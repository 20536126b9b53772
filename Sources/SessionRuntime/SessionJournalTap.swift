// SPDX-License-Identifier: Apache-2.0
import Guidance
import HRVCore
import Session
import SessionStore

/// What the session loop hands the journal: every beat as delivered with the artifact filter's
/// later verdict on it, and an HRV snapshot and the music target once per 5 s of session time (the
/// first at the first beat).
struct SessionJournalTap {
    let recorder: SessionRecorder
    static let everySeconds = 5.0
    private var nextSnapshotSeconds = 0.0
    private var nextMusicSeconds = 0.0
    /// The live filter again, over the same beats, so every beat gets its verdict: the snapshot
    /// carries only the newest decision of a step, while the filter decides the first 40 beats at
    /// once when its thresholds warm up (46 beats), sometimes two beats in one examination, and the
    /// last 6 only when the session ends. Same code and input as `HRVStream`'s, so same verdicts.
    private var filter = ArtifactFilter(lookaheadBeats: ArtifactFilter.minimumLookaheadBeats, correction: .sequential)

    init(recorder: SessionRecorder) { self.recorder = recorder }

    mutating func record(_ state: SessionState, measuredLUFS: Double?) {
        recorder.beat(
            seconds: state.beat.beatTimeSeconds, rrMilliseconds: state.beat.milliseconds, flag: state.flag.rawValue,
            contact: state.beat.contact)
        filter.append(state.beat)
        recordDecisions()
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

    /// The session is over: the filter decides its last beats (before the outcome is written).
    mutating func finishBeats() {
        filter.finish()
        recordDecisions()
    }

    private mutating func recordDecisions() {
        while let decision = filter.nextDecision() {
            recorder.flagBeat(seconds: decision.beat.beatTimeSeconds, flag: decision.flag.rawValue)
        }
    }

    /// The music target, when 5 s have passed since the last one (also called while the strap is silent).
    mutating func music(_ target: MusicTarget, at seconds: Double, measuredLUFS: Double?) {
        guard seconds >= nextMusicSeconds else { return }
        nextMusicSeconds = Self.next(after: seconds)
        recorder.music(
            MusicRow(
                seconds: seconds, phase: target.phase.rawValue, tempoBPM: target.tempoBPM,
                loudnessLUFS: target.loudnessLUFS, swellBreathsPerMinute: target.swellBreathsPerMinute,
                swellDepthLU: target.swellDepthLU, measuredLUFS: measuredLUFS))
    }

    /// The next 5-s mark after `seconds`, on the grid 0, 5, 10, ... so rows line up across sessions.
    static func next(after seconds: Double) -> Double { ((seconds / everySeconds).rounded(.down) + 1) * everySeconds }
}
