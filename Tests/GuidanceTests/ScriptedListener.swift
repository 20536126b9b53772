// SPDX-License-Identifier: Apache-2.0
import Guidance
import HRVCore

/// What a scripted listener shows at a moment, given what the music is doing.
struct ScriptedState {
    var heartRateBPM: Double?
    var rmssdMilliseconds: Double? = 30
    var breathsPerMinute: Double? = nil
    var flag: BeatFlag = .ok
    var contact = true
    var artifactPercent: Double = 0
}

/// Builds snapshots directly (no HRVStream), to drive the controller through a scripted story.
enum Scripted {
    static func snapshot(at seconds: Double, _ state: ScriptedState) -> HRVSnapshot {
        let timeDomain = state.heartRateBPM.map { heartRate in
            TimeDomainMetrics(
                count: 60, meanRRMilliseconds: 60000 / heartRate, meanHeartRateBPM: heartRate,
                sdnnMilliseconds: state.rmssdMilliseconds, rmssdMilliseconds: state.rmssdMilliseconds,
                pnn50Percent: nil, sd1Milliseconds: nil, sd2Milliseconds: nil)
        }
        let rr = 60000 / (state.heartRateBPM ?? 60)
        return HRVSnapshot(
            beat: RRInterval(milliseconds: rr, beatTimeSeconds: seconds, contact: state.contact), flag: state.flag,
            timeDomain: timeDomain, breathingRatePerMinute: state.breathsPerMinute,
            artifactPercent: state.artifactPercent)
    }

    /// Feeds the controller one snapshot every `stepSeconds` from `start` up to `end` (inclusive);
    /// `listener` sees the session time and the music of the previous output.
    static func drive(
        _ controller: inout IsoController, from start: Double = 0, to end: Double, stepSeconds: Double = 1,
        _ listener: (Double, MusicTarget) -> ScriptedState
    ) -> [SessionRow] {
        var rows: [SessionRow] = []
        var t = start
        while t <= end + 1e-9 {
            let state = listener(t, controller.target)
            let target = controller.update(snapshot: snapshot(at: t, state), sessionSeconds: t)
            rows.append(SessionRow(seconds: t, snapshot: nil, target: target, truth: nil))
            t += stepSeconds
        }
        return rows
    }
}
