// SPDX-License-Identifier: Apache-2.0
import Testing
import AudioTestSupport
@testable import SynthCore

@Suite struct ParameterRamperTests {
    @Test func rampsLinearlyAndLandsExactlyOnTarget() {
        var ramper = ParameterRamper(value: 60, rampFrames: 100)
        ramper.setTarget(80)
        var values: [Double] = []
        for _ in 0..<150 { values.append(ramper.next()) }
        #expect(abs(values[49] - 70) < 1e-9)  // halfway after 50 frames
        #expect(values[99] == 80)
        #expect(values[149] == 80)
        // Strictly increasing during the ramp: never a step back or a jump.
        for i in 1..<100 { #expect(values[i] > values[i - 1] && values[i] - values[i - 1] < 0.2 + 1e-9) }
    }

    @Test func slewLimitStretchesAFastRamp() {
        var ramper = ParameterRamper(value: -32, rampFrames: 10, maximumChangePerFrame: 0.01)
        ramper.setTarget(-20)  // 12 LU at 0.01 per frame → 1 200 frames, not 10
        #expect(ramper.advance(frames: 600) > -26.01)
        #expect(ramper.value < -25.99)
        #expect(ramper.advance(frames: 600) == -20)
    }

    @Test func aNewTargetMidRampStartsFromWhereTheValueIs() {
        var ramper = ParameterRamper(value: 0, rampFrames: 100)
        ramper.setTarget(1)
        _ = ramper.advance(frames: 50)
        ramper.setTarget(0)
        #expect(abs(ramper.next() - (0.5 - 0.005)) < 1e-9)
    }
}

@Suite struct BeatClockTests {
    @Test func constantTempoStrikesOnExactFrames() {
        var clock = BeatClock(sampleRate: 48_000)
        var strikes: [Int] = []
        for frame in 0..<(48_000 * 4) where clock.tick(tempoBPM: 120) { strikes.append(frame) }
        // Exact up to the one-frame rounding of the running sum (1/24 000 is not exact in binary).
        let expected = [0, 24_000, 48_000, 72_000, 96_000, 120_000, 144_000, 168_000]
        #expect(strikes.count == expected.count)
        for (got, want) in zip(strikes, expected) { #expect(abs(got - want) <= 1) }
    }

    /// A tempo step in the middle of a beat bends that beat: its length lies between the old and the
    /// new period, and no beat is ever struck twice or skipped.
    @Test func aTempoStepMidBeatNeitherShortensNorDoublesABeat() {
        var clock = BeatClock(sampleRate: 1_000)
        var strikes: [Int] = []
        for frame in 0..<10_000 where clock.tick(tempoBPM: frame < 1_500 ? 60 : 120) { strikes.append(frame) }
        // Half a beat at 60 BPM then half a beat at 120: the third strike is at 1 750 (±1 frame).
        #expect(strikes[0] == 0 && abs(strikes[1] - 1_000) <= 1 && abs(strikes[2] - 1_750) <= 1)
        let intervals = zip(strikes.dropFirst(), strikes).map { $0 - $1 }
        #expect(intervals.allSatisfy { $0 >= 499 && $0 <= 1_001 })  // ±1 frame of rounding
    }
}

@Suite struct ParameterStoreTests {
    @Test func settersClampAndRejectNaN() {
        let store = ParameterStore()
        store.setTempoBPM(400)
        store.setLoudnessLUFS(.nan)
        store.setSwellDepthLU(-3)
        #expect(store.tempoBPM == ParameterStore.tempoRangeBPM.upperBound)
        #expect(store.loudnessLUFS == ParameterStore.loudnessRangeLUFS.lowerBound)
        #expect(store.swellDepthLU == 0)
    }

    @Test func rendererPublishesFramesBeatsSwellAndLoudness() {
        let store = ParameterStore(tempoBPM: 120, loudnessLUFS: -26, swellBreathsPerMinute: 12, swellDepthLU: 4)
        _ = AudioAnalysis.render(SynthConfiguration(sampleRate: 16_000), store: store, frames: 16_000 * 4)
        #expect(store.framesRendered == 64_000)
        #expect(store.beatCount == 8)  // beats at 0, 0.5, …, 3.5 s
        #expect(abs(store.swellPhase - 0.8) < 0.01)  // 12/min for 4 s = 0.8 cycle
        #expect(store.momentaryLUFS > -40 && store.momentaryLUFS < -15)
        #expect(store.shortTermLUFS > -40 && store.shortTermLUFS < -15)
    }
}
