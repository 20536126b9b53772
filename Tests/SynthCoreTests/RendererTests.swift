// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import AudioTestSupport
@testable import SynthCore

@Suite struct RendererTests {
    static let rate = 16_000

    @Test func theSameSeedGivesTheSameSamplesAndAnotherSeedDoesNot() {
        let a = AudioAnalysis.render(SynthConfiguration(sampleRate: Self.rate, seed: 42), store: ParameterStore(), frames: Self.rate * 20)
        let b = AudioAnalysis.render(SynthConfiguration(sampleRate: Self.rate, seed: 42), store: ParameterStore(), frames: Self.rate * 20)
        let c = AudioAnalysis.render(SynthConfiguration(sampleRate: Self.rate, seed: 43), store: ParameterStore(), frames: Self.rate * 20)
        #expect(a == b)
        #expect(a != c)
    }

    /// Control-rate work is tied to absolute 32-frame blocks, so the caller's buffer size never
    /// changes a sample, even while parameters move (targets set at the same frames).
    @Test(arguments: [1, 37, 1_000])
    func bufferSizeDoesNotChangeTheOutput(chunk: Int) {
        func run(_ size: Int) -> [Float] {
            let store = ParameterStore(tempoBPM: 70, loudnessLUFS: -24)
            return AudioAnalysis.render(
                SynthConfiguration(sampleRate: Self.rate, seed: 5), store: store, frames: 40_000, chunk: size, controlInterval: 20_000
            ) { frame in
                if frame >= 20_000 { store.setTempoBPM(90); store.setBrightness(0.9) }
            }
        }
        // Targets change at exactly frame 20 000 in both runs.
        let reference = run(4_000)
        let other = run(chunk)
        #expect(reference == other)
    }

    /// The click detector is not vacuous: it finds a 0.01 (−40 dBFS, about 18 dB under the programme
    /// RMS) step spliced into real output playing at −20 LUFS, and a sample zeroed in the other channel.
    @Test func theClickDetectorFindsASplicedDiscontinuity() {
        let rate = 48_000
        let store = ParameterStore(loudnessLUFS: -20)
        var samples = AudioAnalysis.render(SynthConfiguration(sampleRate: rate, seed: 1), store: store, frames: rate * 5)
        #expect(AudioAnalysis.clicks(samples, sampleRate: rate).isEmpty)
        for frame in (rate * 3)..<(rate * 5) { samples[2 * frame] += 0.01 }
        samples[2 * (rate * 4) + 1] = 0
        let found = AudioAnalysis.clicks(samples, sampleRate: rate)
        #expect(found.contains { abs($0 - rate * 3) <= 2 })
        #expect(found.contains { abs($0 - rate * 4) <= 2 })
    }

    /// Abrupt target changes (tempo 50→110, loudness −32→−20, brightness 0→1, swell on, rate changes)
    /// are ramped: no discontinuity, no NaN, and true peak stays under −1 dBTP.
    @Test func abruptParameterChangesMakeNoClicks() {
        let rate = 48_000
        let store = ParameterStore(tempoBPM: 50, loudnessLUFS: -32, swellBreathsPerMinute: 4, swellDepthLU: 0, brightness: 0)
        let samples = AudioAnalysis.render(SynthConfiguration(sampleRate: rate, seed: 9), store: store, frames: rate * 16, chunk: 512) { frame in
            if frame >= rate * 6 {
                store.setTempoBPM(110)
                store.setLoudnessLUFS(-20)
                store.setBrightness(1)
                store.setSwellDepthLU(6)
                store.setSwellBreathsPerMinute(15)
            }
        }
        #expect(!samples.contains { $0.isNaN || $0.isInfinite })
        #expect(AudioAnalysis.clicks(samples, sampleRate: rate).isEmpty)
        var peak = TruePeakMeter()
        samples.withUnsafeBufferPointer { peak.process(interleaved: $0) }
        #expect(peak.truePeakDBTP < -1)
    }

    /// "Never suddenly louder": a 12 LU step of the target arrives as a climb; short-term loudness
    /// rises by at most 3 LU in any second, yet reaches the new level.
    @Test func aLoudnessStepIsClimbedSlowly() {
        let store = ParameterStore(tempoBPM: 60, loudnessLUFS: -32)
        let samples = AudioAnalysis.render(SynthConfiguration(sampleRate: Self.rate, seed: 9), store: store, frames: Self.rate * 25) { frame in
            if frame >= Self.rate * 8 { store.setLoudnessLUFS(-20) }
        }
        let shortTerm = AudioAnalysis.shortTermSeries(samples, sampleRate: Self.rate)  // every 100 ms
        let risePerSecond = (40..<shortTerm.count).map { shortTerm[$0] - shortTerm[$0 - 10] }.max() ?? 0
        #expect(risePerSecond < 3)  // the 2 dB/s slew plus the music's own movement; a step would be 12
        #expect(abs(shortTerm.last! - -20) < 1)
    }

    /// At the loudest target the piece stays under the EBU R 128 −1 dBTP ceiling.
    @Test func loudestSettingStaysUnderMinusOneDBTP() {
        let store = ParameterStore(tempoBPM: 90, loudnessLUFS: -18, swellDepthLU: 6, brightness: 1)
        let samples = AudioAnalysis.render(SynthConfiguration(sampleRate: 48_000, seed: 3), store: store, frames: 48_000 * 12)
        var peak = TruePeakMeter()
        samples.withUnsafeBufferPointer { peak.process(interleaved: $0) }
        #expect(peak.truePeakDBTP < -1)
        #expect(peak.truePeakDBTP > -20)  // and it is actually playing
    }
}
