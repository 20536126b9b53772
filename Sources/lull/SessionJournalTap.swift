// SPDX-License-Identifier: Apache-2.0
import Guidance
import HRVCore
import Session
import SessionStore

/// What the session loop hands the journal: every beat as delivered, and an HRV snapshot and the
/// music target once per 5 s of session time (the first at the first beat).
struct SessionJournalTap {
    let recorder: SessionRecorder
    static let everySeconds = 5.0
    private var nextSnapshotSeconds = 0.0
    private var nextMusicSeconds = 0.0

    init(recorder: SessionRecorder) { self.recorder = recorder }

    mutating func record(_ state: SessionState, measuredLUFS: Double?) {
        recorder.beat(
            seconds: state.beat.beatTimeSeconds, rrMilliseconds: state.beat.milliseconds, flag: state.flag.rawValue,
            contact: state.beat.contact)
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
