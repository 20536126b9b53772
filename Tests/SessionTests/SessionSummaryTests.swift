// SPDX-License-Identifier: Apache-2.0
import Guidance
import HRVCore
import Testing

@testable import Session

/// The session's summary from the engine alone: the first and last 5 minutes, time to calm (heart
/// rate 5 bpm under the first period's and RMSSD 30 % over it, held for a minute), strap gaps.
@Suite struct SessionSummaryTests {
    /// `minutes` of beats at `bpm`, alternating ±`swingMilliseconds` (a respiratory-like swing that
    /// sets RMSSD to about twice the swing), from `start` seconds.
    static func beats(bpm: Double, swingMilliseconds: Double, minutes: Double, from start: Double) -> [RRInterval] {
        var t = start
        var out: [RRInterval] = []
        var i = 0
        while t < start + minutes * 60 {
            let rr = 60_000 / bpm + (i % 2 == 0 ? swingMilliseconds : -swingMilliseconds)
            t += rr / 1000
            out.append(RRInterval(milliseconds: rr, beatTimeSeconds: t))
            i += 1
        }
        return out
    }

    @Test func calmIsReachedWhenHeartRateFallsAndRMSSDRisesAndHolds() throws {
        var engine = SessionEngine(plannedSeconds: 1_200, guidance: .default)
        let tense = Self.beats(bpm: 80, swingMilliseconds: 8, minutes: 6, from: 0)
        let calm = Self.beats(bpm: 66, swingMilliseconds: 25, minutes: 14, from: tense.last!.beatTimeSeconds)
        for beat in tense + calm { _ = engine.receive(beat) }
        let summary = engine.finish(at: 1_200, endedEarly: false)
        #expect(summary.beats == tense.count + calm.count)
        let first = try #require(summary.first.heartRateBPM)
        let last = try #require(summary.last.heartRateBPM)
        #expect(abs(first - 80) < 0.5)
        #expect(abs(last - 66) < 0.5)
        // The one-minute windows cross the change within a minute of it, and calm must hold 60 s.
        let calmAt = try #require(summary.timeToCalmSeconds)
        #expect(calmAt > 360 && calmAt < 430, "time to calm \(calmAt) s")
        #expect(summary.strapGaps == 0)
        // The step from 80 to 66 bpm in one beat (no heart slows so) is the only thing flagged.
        #expect(summary.artifacts.flagged <= 2)
    }

    @Test func noCalmWithoutTheRMSSDRise() {
        var engine = SessionEngine(plannedSeconds: 1_200, guidance: .default)
        let beats = Self.beats(bpm: 80, swingMilliseconds: 8, minutes: 6, from: 0)
        let slower = Self.beats(bpm: 66, swingMilliseconds: 8, minutes: 14, from: beats.last!.beatTimeSeconds)
        for beat in beats + slower { _ = engine.receive(beat) }
        #expect(engine.finish(at: 1_200, endedEarly: false).timeToCalmSeconds == nil)
    }

    @Test func aLostStrapIsOneGapOfItsLength() {
        var engine = SessionEngine(plannedSeconds: 600, guidance: .default)
        let before = Self.beats(bpm: 70, swingMilliseconds: 10, minutes: 3, from: 0)
        for beat in before { _ = engine.receive(beat) }
        let lostAt = before.last!.beatTimeSeconds
        engine.strapLost(at: lostAt)
        _ = engine.silence(at: lostAt + 10)
        engine.strapBack(at: lostAt + 42)
        for beat in Self.beats(bpm: 70, swingMilliseconds: 10, minutes: 3, from: lostAt + 42) { _ = engine.receive(beat) }
        let summary = engine.finish(at: 600, endedEarly: true)
        #expect(summary.strapGaps == 1)
        #expect(abs(summary.strapGapSeconds - 42) < 1e-9)
        #expect(summary.endedEarly)
    }
}
