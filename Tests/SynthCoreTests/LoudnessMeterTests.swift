// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import AudioTestSupport
@testable import SynthCore

/// Conformance cases from EBU Tech 3341 (v4, §3 "minimum requirements" test signals) and the
/// coefficient table of ITU-R BS.1770-4.
@Suite struct LoudnessMeterTests {
    /// Stereo sine at `dbfs` per channel, `seconds` long, fed to `meter`.
    static func feedSine(_ meter: inout LoudnessMeter, hertz: Double = 1_000, dbfs: Double, seconds: Double, sampleRate: Int = 48_000) {
        let amplitude = Float(pow(10, dbfs / 20))
        let frames = Int(seconds * Double(sampleRate))
        for n in 0..<frames {
            let x = amplitude * Float(sin(2 * Double.pi * hertz * Double(n) / Double(sampleRate)))
            meter.process(left: x, right: x)
        }
    }

    @Test func kWeightingAt48kHzMatchesBS1770Table1() {
        let k = StereoKWeightingFilter(sampleRate: 48_000)
        #expect(abs(k.shelf.b0 - 1.535_124_859_586_97) < 1e-9)
        #expect(abs(k.shelf.b1 - -2.691_696_189_406_38) < 1e-9)
        #expect(abs(k.shelf.b2 - 1.198_392_810_852_85) < 1e-9)
        #expect(abs(k.shelf.a1 - -1.690_659_293_182_41) < 1e-9)
        #expect(abs(k.shelf.a2 - 0.732_480_774_215_85) < 1e-9)
        #expect(abs(k.highPass.a1 - -1.990_047_454_833_98) < 1e-9)
        #expect(abs(k.highPass.a2 - 0.990_072_250_366_21) < 1e-9)
    }

    /// Tech 3341 cases 1 and 2: a 1 kHz stereo sine at −23 / −33 dBFS reads −23 / −33 LUFS (±0.1)
    /// on all three scales.
    @Test(arguments: [-23.0, -33.0])
    func sineAtOneKilohertzReadsItsLevel(dbfs: Double) {
        var meter = LoudnessMeter(sampleRate: 48_000)
        Self.feedSine(&meter, dbfs: dbfs, seconds: 5)
        #expect(abs(meter.momentaryLUFS - dbfs) < 0.1)
        #expect(abs(meter.shortTermLUFS - dbfs) < 0.1)
        #expect(abs(meter.integratedLUFS - dbfs) < 0.1)
    }

    /// Tech 3341 case 3 (relative gate): −36, −23, −36 dBFS for 10, 60, 10 s integrate to −23 ± 0.1.
    /// Durations are scaled by 1/4 (2.5, 15, 2.5 s) to keep the debug test fast; the gate does not
    /// depend on length, and −36 is still 13 LU under the −23 programme, well below the −10 LU gate.
    @Test func relativeGateExcludesQuietPassages() {
        var meter = LoudnessMeter(sampleRate: 48_000)
        Self.feedSine(&meter, dbfs: -36, seconds: 2.5)
        Self.feedSine(&meter, dbfs: -23, seconds: 15)
        Self.feedSine(&meter, dbfs: -36, seconds: 2.5)
        #expect(abs(meter.integratedLUFS - -23) < 0.1)
    }

    /// Tech 3341 case 4 (both gates), at its real durations: −72, −36, −23, −36, −72 dBFS for
    /// 10, 10, 60, 10, 10 s integrate to −23 ± 0.1 LUFS.
    @Test func absoluteAndRelativeGatesTogether() {
        var meter = LoudnessMeter(sampleRate: 48_000)
        for (dbfs, seconds) in [(-72.0, 10.0), (-36, 10), (-23, 60), (-36, 10), (-72, 10)] {
            Self.feedSine(&meter, dbfs: dbfs, seconds: seconds)
        }
        #expect(abs(meter.integratedLUFS - -23) < 0.1)
    }

    @Test func silenceIsMinusInfinity() {
        var meter = LoudnessMeter(sampleRate: 16_000)
        for _ in 0..<32_000 { meter.process(left: 0, right: 0) }
        #expect(meter.integratedLUFS == -.infinity)
        #expect(meter.momentaryLUFS == -.infinity)
    }

    /// K-weighting is defined at every rate by the same analogue prototype, so a 1 kHz sine reads the
    /// same at 16 kHz as at 48 kHz.
    @Test func otherSampleRatesAgree() {
        var meter = LoudnessMeter(sampleRate: 16_000)
        Self.feedSine(&meter, dbfs: -23, seconds: 4, sampleRate: 16_000)
        #expect(abs(meter.shortTermLUFS - -23) < 0.1)
    }
}

@Suite struct TruePeakMeterTests {
    /// A sine at fs/4 sampled 45° off its peaks has sample peak 0.707·A but true peak A
    /// (Tech 3341 case 15's construction): 4× oversampling must find it within 0.2 dB.
    @Test func findsTheInterSamplePeakOfAQuarterRateSine() {
        var meter = TruePeakMeter()
        let amplitude: Float = 0.5
        for n in 0..<4_800 {
            let x = amplitude * Float(sin(Double.pi / 2 * Double(n) + Double.pi / 4))
            meter.process(left: x, right: x)
        }
        let expected = 20 * log10(Double(amplitude))  // −6.02 dBTP
        #expect(abs(meter.truePeakDBTP - expected) < 0.2)
        #expect(meter.truePeakDBTP > 20 * log10(Double(amplitude) * 0.7072) + 2.5)  // well above sample peak
    }

    /// `process(interleaved:)` skips spans whose inputs cannot reach the peak found so far; it must
    /// find exactly the peak that oversampling every frame finds. Real programme with a deep swell,
    /// fed in chunks that split spans, with a quarter-rate sine spliced in late whose true peak
    /// lies between its samples and above everything else.
    @Test func skippingSpansGivesTheSamePeakAsOversamplingEveryFrame() {
        let rate = 48_000
        let store = ParameterStore(tempoBPM: 72, loudnessLUFS: -20, swellDepthLU: 6)
        var samples = AudioAnalysis.render(SynthConfiguration(sampleRate: rate, seed: 4), store: store, frames: rate * 20)
        for n in 0..<64 { samples[2 * (rate * 15 + n)] = 1.2 * Float(sin(Double.pi / 2 * Double(n) + Double.pi / 4)) }
        var everyFrame = TruePeakMeter()
        for frame in 0..<(samples.count / 2) { everyFrame.process(left: samples[2 * frame], right: samples[2 * frame + 1]) }
        var spans = TruePeakMeter()
        samples.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(start + 2 * 1_000, all.count)
                spans.process(interleaved: UnsafeBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
        #expect(spans.peak == everyFrame.peak)
        let samplePeak = samples.map(abs).max() ?? 0
        #expect(everyFrame.peak > samplePeak * 1.2)  // the spliced sine's inter-sample peak was the one found
    }

    /// A low sine has no inter-sample overshoot to speak of: true peak equals its amplitude.
    @Test func aLowSineReadsItsAmplitude() {
        var meter = TruePeakMeter()
        for n in 0..<9_600 {
            let x = 0.25 * Float(sin(2 * Double.pi * 100 * Double(n) / 48_000))
            meter.process(left: x, right: -x)
        }
        #expect(abs(meter.truePeakDBTP - 20 * log10(0.25)) < 0.05)
    }
}
