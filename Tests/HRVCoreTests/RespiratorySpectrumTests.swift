// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import HRVCore

@Suite struct RespiratorySpectrumTests {
    /// RR series with RSA at `breathsPerMinute` and amplitude `rsa` ms, beats placed by integrating.
    static func series(breathsPerMinute: Double, rsa: Double, seconds: Double, noise: Double = 0) -> [RRInterval] {
        var t = 0.0
        var out: [RRInterval] = []
        var state: UInt64 = 7
        while t < seconds {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let n = (Double(state >> 40) / Double(1 << 24) - 0.5) * noise
            let rr = 900 + rsa * sin(2 * .pi * breathsPerMinute / 60 * t) + n
            t += rr / 1000
            out.append(RRInterval(milliseconds: rr, beatTimeSeconds: t))
        }
        return out
    }

    static func estimate(_ beats: [RRInterval]) -> RespiratorySpectrum.Estimate? {
        var spectrum = RespiratorySpectrum()
        let times = beats.map(\.beatTimeSeconds)
        let rr = beats.map(\.milliseconds)
        return times.withUnsafeBufferPointer { t in
            rr.withUnsafeBufferPointer { m in spectrum.analyse(times: t, milliseconds: m, endSeconds: times.last!) }
        }
    }

    @Test(arguments: [6.0, 9.0, 15.0, 20.0])
    func breathingRateIsFoundWithinHalfABreath(_ rate: Double) throws {
        let e = try #require(Self.estimate(Self.series(breathsPerMinute: rate, rsa: 40, seconds: 120, noise: 20)))
        #expect(abs(e.breathingRatePerMinute - rate) < 0.5, "found \(e.breathingRatePerMinute) for \(rate)")
    }

    /// One dominant rhythm near 0.1 Hz (resonance breathing) is coherent; the same power spread by
    /// noise is not (McCraty & Zayas 2014).
    @Test func resonanceBreathingIsMoreCoherentThanNoise() throws {
        let coherent = try #require(Self.estimate(Self.series(breathsPerMinute: 6, rsa: 60, seconds: 120, noise: 10)))
        let scattered = try #require(Self.estimate(Self.series(breathsPerMinute: 6, rsa: 0, seconds: 120, noise: 60)))
        #expect(coherent.coherence > 3)
        #expect(scattered.coherence < 1)
    }

    @Test func lessThanAMinuteOfBeatsGivesNoEstimate() {
        #expect(Self.estimate(Self.series(breathsPerMinute: 6, rsa: 40, seconds: 50)) == nil)
    }

    /// The Polar H10 slow-breathing recording (shared/data/rr): its description says breathing
    /// with a ~10-12 s period for most of the session; the dominant RSA period in the RR series
    /// is ~14-15 s (an independent SciPy Welch estimate gives 3.9-4.3 per minute per 5 minutes).
    /// Either way it is slow breathing, far below the 12-20 per minute of normal rest.
    @Test func findsTheSlowBreathingInThePolarRecording() throws {
        let beats = RecordingAnalysis.beats(milliseconds: try Fixtures.recording("polar_h10_slow_breathing_brennan"))
        let (whole, windows) = RecordingAnalysis.windows(of: beats, flags: [], windowSeconds: 300)
        let rate = try #require(whole.breathingRatePerMinute)
        #expect(rate > 3.5 && rate < 6.5, "whole-recording breathing rate \(rate)")
        for w in windows { #expect(try #require(w.breathingRatePerMinute) < 7) }
    }
}
