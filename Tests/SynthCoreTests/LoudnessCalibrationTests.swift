// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import AudioTestSupport
@testable import SynthCore

/// "The loudness heard is the loudness asked": the full piece, measured with the BS.1770-4 meter
/// from the samples alone.
@Suite struct LoudnessCalibrationTests {
    static let rate = 16_000

    /// Short-term loudness averaged over each 30 s window is within 1 LU of the target, with a 6 LU
    /// breath swell running (it averages out). The first 15 s (2 s fade-in, level settling) are left
    /// out; two consecutive windows are checked per level.
    @Test(arguments: [-20.0, -26.0, -32.0])
    func shortTermLoudnessOverEachThirtySecondsIsWithinOneLU(target: Double) {
        let store = ParameterStore(tempoBPM: 64, loudnessLUFS: target, swellBreathsPerMinute: 6, swellDepthLU: 6)
        let samples = AudioAnalysis.render(SynthConfiguration(sampleRate: Self.rate, seed: 21), store: store, frames: Self.rate * 75)
        let shortTerm = AudioAnalysis.shortTermSeries(samples, sampleRate: Self.rate)  // every 100 ms
        for window in 0..<2 {
            let slice = shortTerm[(150 + window * 300)..<(150 + (window + 1) * 300)]
            let mean = slice.reduce(0, +) / Double(slice.count)
            #expect(abs(mean - target) < 1, "window \(window): \(mean) LUFS for \(target)")
        }
    }

    /// A change of target is followed: −20 then −32 LUFS, each 30 s window after settling on target.
    @Test func aLoudnessChangeIsFollowedAndSettles() {
        let store = ParameterStore(tempoBPM: 60, loudnessLUFS: -20)
        let samples = AudioAnalysis.render(SynthConfiguration(sampleRate: Self.rate, seed: 4), store: store, frames: Self.rate * 90) { frame in
            if frame >= Self.rate * 40 { store.setLoudnessLUFS(-32) }
        }
        let shortTerm = AudioAnalysis.shortTermSeries(samples, sampleRate: Self.rate)
        let before = shortTerm[100..<400].reduce(0, +) / 300
        let after = shortTerm[600..<900].reduce(0, +) / 300
        #expect(abs(before - -20) < 1)
        #expect(abs(after - -32) < 1)
    }

    /// The swell depth heard (peak to trough of the sinusoid best fitting the momentary loudness at
    /// the breath rate) is within 1 LU of the depth asked.
    @Test(arguments: [(3.0, 6.0), (6.0, 6.0), (8.0, 10.0)])
    func swellDepthIsWithinOneLU(depth: Double, breathsPerMinute: Double) {
        let store = ParameterStore(tempoBPM: 60, loudnessLUFS: -26, swellBreathsPerMinute: breathsPerMinute, swellDepthLU: depth)
        let samples = AudioAnalysis.render(SynthConfiguration(sampleRate: Self.rate, seed: 8), store: store, frames: Self.rate * 70)
        let momentary = Array(AudioAnalysis.momentarySeries(samples, sampleRate: Self.rate)[100...])  // skip 10 s
        // Series index i is at (i + 100 + 1)·0.1 s; the fit absorbs any phase offset.
        let measured = AudioAnalysis.sinusoidDepth(momentary, stepSeconds: 0.1, hertz: breathsPerMinute / 60)
        #expect(abs(measured - depth) < 1, "measured \(measured) LU for \(depth)")
    }

    /// No swell asked, none heard (guards the fit against reading music as swell).
    @Test func noSwellMeasuresNearZero() {
        let store = ParameterStore(tempoBPM: 60, loudnessLUFS: -26, swellBreathsPerMinute: 6, swellDepthLU: 0)
        let samples = AudioAnalysis.render(SynthConfiguration(sampleRate: Self.rate, seed: 8), store: store, frames: Self.rate * 70)
        let momentary = Array(AudioAnalysis.momentarySeries(samples, sampleRate: Self.rate)[100...])
        #expect(AudioAnalysis.sinusoidDepth(momentary, stepSeconds: 0.1, hertz: 0.1) < 1)
    }
}
