// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import AudioTestSupport
@testable import SynthCore

/// "The music meets the listener's tension": the render `lull render --minutes 5 --tension 1:0
/// --tempo 80:60 --loudness -22:-26 --breath 12:8 --swell 3` in process (at 16 kHz: the piece is
/// defined in seconds and hertz, and 16 kHz keeps every pitch of the key estimator's range), heard
/// by the Krumhansl–Kessler key estimator in `SpectralAnalysis`; melodic onsets and chord changes
/// counted per beat and per bar, so the falling tempo alone cannot make them fall.
@Suite struct TensionTests {
    static let rate = 16_000

    struct Minute {
        var key: SpectralAnalysis.Key
        var centroidHertz: Double
        var notesPerBeat: Double
        var chordsPerBar: Double
    }

    /// Renders five minutes along the trajectories with tension from `a` to `b`, and measures each minute.
    static func renderMinutes(tensionFrom a: Double, to b: Double, seed: UInt64 = 1) -> [Minute] {
        let configuration = SynthConfiguration(sampleRate: rate, seed: seed)
        let store = ParameterStore(tempoBPM: 80, loudnessLUFS: -22, swellBreathsPerMinute: 12, swellDepthLU: 3, tension: a)
        var renderer = Renderer(configuration: configuration, parameters: store)
        let total = rate * 300
        let ramp = configuration.parameterRampFrames
        var samples = [Float](repeating: 0, count: 2 * total)
        var counts: [(notes: UInt64, chords: UInt64, beats: UInt64)] = []
        var last: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var done = 0
        samples.withUnsafeMutableBufferPointer { all in
            while done < total {
                // Targets for the end of each ramp-length chunk, as `lull render` sets them.
                let count = min(ramp, total - done)
                let f = Double(done + count) / Double(total)
                store.setTempoBPM(80 - 20 * f)
                store.setLoudnessLUFS(-22 - 4 * f)
                store.setSwellBreathsPerMinute(12 - 4 * f)
                store.setTension(a + (b - a) * f)
                renderer.render(into: UnsafeMutableBufferPointer(rebasing: all[(2 * done)..<(2 * (done + count))]), parameters: store)
                done += count
                if done % (rate * 60) == 0 {
                    let now = (renderer.melodyNotesStruck, renderer.chordChanges, renderer.clock.beatsStruck)
                    counts.append((now.0 - last.0, now.1 - last.1, now.2 - last.2))
                    last = now
                }
            }
        }
        let mono = AudioAnalysis.mono(samples)
        return counts.indices.map { m in
            let minute = mono[(m * 60 * rate)..<((m + 1) * 60 * rate)]
            let c = counts[m]
            return Minute(
                key: SpectralAnalysis.key(minute, sampleRate: rate),
                centroidHertz: SpectralAnalysis.centroidHertz(minute, sampleRate: rate),
                notesPerBeat: Double(c.notes) / Double(c.beats), chordsPerBar: 4 * Double(c.chords) / Double(c.beats))
        }
    }

    /// Tense to calm: D minor in the first minute, D major in the last; melodic density, spectral
    /// centroid and harmonic rhythm all fall (last minute well under the first, and the last two
    /// minutes under the first two).
    @Test func tenseToCalmIsHeardMinorThenMajorAndEveryMeasureFalls() {
        let minutes = Self.renderMinutes(tensionFrom: 1, to: 0)
        let first = minutes[0], last = minutes[4]
        #expect(first.key.isMinor && first.key.tonic == 2, "first minute: \(first.key)")
        #expect(!last.key.isMinor && last.key.tonic == 2, "last minute: \(last.key)")
        #expect(last.notesPerBeat < 0.6 * first.notesPerBeat, "\(first.notesPerBeat) → \(last.notesPerBeat) notes per beat")
        #expect(last.centroidHertz < 0.8 * first.centroidHertz, "\(first.centroidHertz) → \(last.centroidHertz) Hz")
        #expect(last.chordsPerBar < 0.5 * first.chordsPerBar, "\(first.chordsPerBar) → \(last.chordsPerBar) chords per bar")
        func early(_ value: (Minute) -> Double) -> Double { value(minutes[0]) + value(minutes[1]) }
        func late(_ value: (Minute) -> Double) -> Double { value(minutes[3]) + value(minutes[4]) }
        #expect(late(\.notesPerBeat) < early(\.notesPerBeat))
        #expect(late(\.centroidHertz) < early(\.centroidHertz))
        #expect(late(\.chordsPerBar) < early(\.chordsPerBar))
    }

    /// The same render at a fixed tension shows none of those trends: the last minute's density,
    /// centroid and chord rate are within the spread of the music itself (none falls below 0.6, 0.8
    /// and 0.5 of the first's, the thresholds the tense-to-calm render passes). A single minute's key
    /// is not compared: within one mode the estimator follows the harmony to its relative minor or
    /// subdominant now and then (D major → B minor, D minor → G minor, at r ≈ 0.72–0.86).
    @Test(arguments: [0.3, 0.9])
    func aFixedTensionShowsNoTrend(tension: Double) {
        let minutes = Self.renderMinutes(tensionFrom: tension, to: tension)
        let first = minutes[0], last = minutes[4]
        #expect(last.notesPerBeat >= 0.6 * first.notesPerBeat, "\(first.notesPerBeat) → \(last.notesPerBeat)")
        #expect(last.centroidHertz >= 0.8 * first.centroidHertz, "\(first.centroidHertz) → \(last.centroidHertz)")
        #expect(last.chordsPerBar >= 0.5 * first.chordsPerBar, "\(first.chordsPerBar) → \(last.chordsPerBar)")
    }

    /// The ladder: each rung calmer than the last raises exactly one degree by a semitone.
    @Test func eachRungOfTheLadderRaisesOneDegree() {
        let scale = [62, 64, 66, 67, 69, 71, 73]
        for (tense, calm) in [(Piece.Mode.aeolian, Piece.Mode.dorian), (.dorian, .mixolydian), (.mixolydian, .ionian)] {
            let raised = scale.indices.filter { Piece.inMode(scale[$0], calm) - Piece.inMode(scale[$0], tense) == 1 }
            let unchanged = scale.indices.filter { Piece.inMode(scale[$0], calm) == Piece.inMode(scale[$0], tense) }
            #expect(raised.count == 1 && unchanged.count == 6, "\(tense) → \(calm)")
        }
    }

    /// Loudness calibration holds at the ends of the axis: short-term loudness over 30 s within 1 LU
    /// of the target; no clicks at −20 LUFS while tension jumps to the other end; true peak under
    /// −1 dBTP at the loudest setting.
    @Test(arguments: [0.0, 1.0])
    func calibrationHoldsAtEveryTension(tension: Double) {
        let store = ParameterStore(tempoBPM: 64, loudnessLUFS: -26, swellBreathsPerMinute: 6, swellDepthLU: 6, tension: tension)
        let samples = AudioAnalysis.render(SynthConfiguration(sampleRate: Self.rate, seed: 21), store: store, frames: Self.rate * 75)
        let shortTerm = AudioAnalysis.shortTermSeries(samples, sampleRate: Self.rate)
        for window in 0..<2 {
            let slice = shortTerm[(150 + window * 300)..<(150 + (window + 1) * 300)]
            let mean = slice.reduce(0, +) / Double(slice.count)
            #expect(abs(mean - -26) < 1, "tension \(tension), window \(window): \(mean) LUFS")
        }

        let rate = 48_000
        let moving = ParameterStore(tempoBPM: 80, loudnessLUFS: -20, tension: tension)
        let jumped = AudioAnalysis.render(SynthConfiguration(sampleRate: rate, seed: 1), store: moving, frames: rate * 20) { frame in
            if frame >= rate * 6 { moving.setTension(1 - tension) }
        }
        #expect(AudioAnalysis.clicks(jumped, sampleRate: rate).isEmpty)

        let loud = ParameterStore(tempoBPM: 90, loudnessLUFS: -18, swellDepthLU: 6, brightness: 1, tension: tension)
        let peakSamples = AudioAnalysis.render(SynthConfiguration(sampleRate: rate, seed: 3), store: loud, frames: rate * 12)
        var peak = TruePeakMeter()
        peakSamples.withUnsafeBufferPointer { peak.process(interleaved: $0) }
        #expect(peak.truePeakDBTP < -1)
    }
}
