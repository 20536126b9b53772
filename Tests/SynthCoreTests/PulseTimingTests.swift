// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import AudioTestSupport
@testable import SynthCore

/// "The tempo heard is the tempo asked": pulse-layer onsets found by `AudioAnalysis.onsets` (a
/// high-pass envelope detector on the samples) against beat times computed here from the commanded
/// tempo trajectory, never from the synth's beat counter.
@Suite struct PulseTimingTests {
    /// Commanded beat n of a tempo moving linearly from `a` to `b` BPM over `duration` seconds:
    /// Φ(t) = (a·t + (b − a)·t²/(2T)) / 60 beats, solved for Φ(t) = n; beats up to `until` seconds.
    /// Beat 0 is at t = 0.
    static func commandedBeatTimes(fromBPM a: Double, toBPM b: Double, overSeconds duration: Double, until: Double) -> [Double] {
        let slope = (b - a) / duration
        var times: [Double] = []
        var n = 0.0
        while true {
            let t: Double
            if slope == 0 {
                t = 60 * n / a
            } else {
                // slope/2·t² + a·t − 60n = 0, positive root.
                t = (-a + (a * a + 2 * slope * 60 * n).squareRoot()) / slope
            }
            if !(t <= until) || t.isNaN { break }
            times.append(t)
            n += 1
        }
        return times
    }

    /// Pairs each commanded beat with the nearest detected onset; returns the worst error (s) and the
    /// number of commanded beats with no onset within 50 ms.
    static func compare(commanded: [Double], detected: [Double]) -> (worst: Double, missing: Int, extra: Int) {
        var worst = 0.0
        var missing = 0
        var j = 0
        for t in commanded {
            while j + 1 < detected.count && abs(detected[j + 1] - t) < abs(detected[j] - t) { j += 1 }
            guard j < detected.count, abs(detected[j] - t) < 0.05 else { missing += 1; continue }
            worst = max(worst, abs(detected[j] - t))
        }
        return (worst, missing, max(0, detected.count - (commanded.count - missing)))
    }

    static func renderPulse(
        sampleRate: Int, fromBPM a: Double, toBPM b: Double, seconds: Double, layers: SynthConfiguration.Layers = .pulse
    ) -> [Float] {
        let configuration = SynthConfiguration(sampleRate: sampleRate, seed: 11, layers: layers)
        let store = ParameterStore(tempoBPM: a, loudnessLUFS: -26)
        let total = Int(seconds * Double(sampleRate))
        let ramp = configuration.parameterRampFrames
        // Targets for the end of each ramp-length chunk: the renderer's linear ramps then trace the
        // commanded straight line exactly (the same driving loop as `lull render`).
        return AudioAnalysis.render(configuration, store: store, frames: total, chunk: ramp, controlInterval: ramp) { frame in
            let end = min(frame + ramp, total)
            store.setTempoBPM(a + (b - a) * Double(end) / Double(total))
        }
    }

    @Test(arguments: [48.0, 60.0, 100.0])
    func constantTempoOnsetsAreWithinFiveMilliseconds(bpm: Double) {
        let rate = 48_000
        let seconds = 20.0
        let samples = Self.renderPulse(sampleRate: rate, fromBPM: bpm, toBPM: bpm, seconds: seconds)
        let detected = AudioAnalysis.onsets(AudioAnalysis.mono(samples), sampleRate: rate)
        // Beats during the 2 s fade-in from silence (and the first after it) are too quiet to detect reliably; compare after it.
        let commanded = Self.commandedBeatTimes(fromBPM: bpm, toBPM: bpm, overSeconds: seconds, until: seconds - 0.2).filter { $0 > 2.1 }
        let result = Self.compare(commanded: commanded, detected: detected.filter { $0 > 2.05 })
        #expect(result.missing == 0)
        #expect(result.extra == 0)
        #expect(result.worst < 0.005)
    }

    /// The glide the issue asks for: 80 → 50 BPM over 5 minutes, every beat within 5 ms.
    ///
    /// Rendered at 16 kHz: five minutes at 48 kHz take about a minute in a debug build, and the
    /// beat clock, ramps and pulse envelope are all defined in seconds, so the rate changes only
    /// the timing resolution (62.5 µs per frame, still 80× finer than the tolerance).
    @Test(.timeLimit(.minutes(2)))
    func glideFromEightyToFiftyOverFiveMinutesKeepsEveryBeatWithinFiveMilliseconds() {
        let rate = 16_000
        let seconds = 300.0
        let samples = Self.renderPulse(sampleRate: rate, fromBPM: 80, toBPM: 50, seconds: seconds)
        let detected = AudioAnalysis.onsets(AudioAnalysis.mono(samples), sampleRate: rate)
        let commanded = Self.commandedBeatTimes(fromBPM: 80, toBPM: 50, overSeconds: seconds, until: seconds - 0.2).filter { $0 > 2.1 }
        #expect(commanded.count > 300)  // about 325 beats
        let result = Self.compare(commanded: commanded, detected: detected.filter { $0 > 2.05 })
        #expect(result.missing == 0)
        #expect(result.extra == 0)
        #expect(result.worst < 0.005)
    }
}
