// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Spectral measures of rendered audio for the tension tests: a key estimator (chroma against the
/// Krumhansl–Kessler key profiles) and the spectral centroid, from its own FFT. Nothing here reads
/// the synth's state; it looks only at samples.
public enum SpectralAnalysis {
    /// The probe-tone key profiles of Krumhansl & Kessler (1982), "Tracing the dynamic changes in
    /// perceived tonal organization in a spatial representation of musical keys", Psychol Rev 89(4),
    /// tonic first (Krumhansl, *Cognitive Foundations of Musical Pitch*, 1990, table 2.1).
    static let majorProfile: [Double] = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
    static let minorProfile: [Double] = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]

    public struct Key: Sendable, Equatable, CustomStringConvertible {
        /// Pitch class of the tonic, 0 = C.
        public var tonic: Int
        public var isMinor: Bool
        /// Pearson correlation of the chroma with this key's profile.
        public var correlation: Double
        public var description: String {
            let names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
            return "\(names[tonic]) \(isMinor ? "minor" : "major") (r = \(String(format: "%.3f", correlation)))"
        }
    }

    /// In-place radix-2 FFT (Cooley–Tukey, decimation in time); `real.count` a power of two.
    public static func fft(real: inout [Double], imaginary: inout [Double]) {
        let n = real.count
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 {
                j ^= bit
                bit >>= 1
            }
            j |= bit
            if i < j {
                real.swapAt(i, j)
                imaginary.swapAt(i, j)
            }
        }
        var length = 2
        while length <= n {
            let angle = -2 * Double.pi / Double(length)
            for start in stride(from: 0, to: n, by: length) {
                for k in 0..<(length / 2) {
                    let wr = cos(angle * Double(k)), wi = sin(angle * Double(k))
                    let a = start + k, b = a + length / 2
                    let tr = real[b] * wr - imaginary[b] * wi
                    let ti = real[b] * wi + imaginary[b] * wr
                    real[b] = real[a] - tr
                    imaginary[b] = imaginary[a] - ti
                    real[a] += tr
                    imaginary[a] += ti
                }
            }
            length <<= 1
        }
    }

    /// Mean power spectrum of `mono` over Hann-windowed frames of `size` (a power of two), half-overlapped.
    public static func meanPowerSpectrum(_ mono: ArraySlice<Float>, size: Int) -> [Double] {
        var spectrum = [Double](repeating: 0, count: size / 2)
        let window = (0..<size).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size)) }
        var start = mono.startIndex
        var frames = 0
        while start + size <= mono.endIndex {
            var real = (0..<size).map { Double(mono[start + $0]) * window[$0] }
            var imaginary = [Double](repeating: 0, count: size)
            fft(real: &real, imaginary: &imaginary)
            for k in 0..<(size / 2) { spectrum[k] += real[k] * real[k] + imaginary[k] * imaginary[k] }
            frames += 1
            start += size / 2
        }
        return spectrum.map { $0 / Double(max(frames, 1)) }
    }

    /// Chroma: the power of every bin from 65 Hz (C2) to 2.1 kHz (C7) added to its nearest pitch
    /// class (bins nearer a quarter-tone than a semitone are left out), 0 = C.
    public static func chroma(_ mono: ArraySlice<Float>, sampleRate: Int) -> [Double] {
        let size = 16_384
        let spectrum = meanPowerSpectrum(mono, size: size)
        var chroma = [Double](repeating: 0, count: 12)
        for k in 1..<spectrum.count {
            let hertz = Double(k) * Double(sampleRate) / Double(size)
            guard hertz >= 65, hertz <= 2_100 else { continue }
            let midi = 69 + 12 * log2(hertz / 440)
            let nearest = midi.rounded()
            guard abs(midi - nearest) < 0.25 else { continue }
            chroma[((Int(nearest) % 12) + 12) % 12] += spectrum[k]
        }
        return chroma
    }

    /// The best of the 24 keys by correlation of the chroma with the rotated profiles
    /// (Krumhansl–Schmuckler; chroma compressed by a square root so one loud note does not rule it).
    public static func key(_ mono: ArraySlice<Float>, sampleRate: Int) -> Key {
        let c = chroma(mono, sampleRate: sampleRate).map { $0.squareRoot() }
        var best = Key(tonic: 0, isMinor: false, correlation: -2)
        for tonic in 0..<12 {
            for isMinor in [false, true] {
                let profile = isMinor ? minorProfile : majorProfile
                let rotated = (0..<12).map { profile[(($0 - tonic) % 12 + 12) % 12] }
                let r = pearson(c, rotated)
                if r > best.correlation { best = Key(tonic: tonic, isMinor: isMinor, correlation: r) }
            }
        }
        return best
    }

    /// Spectral centroid (Hz) of the mean power spectrum (frames of 4 096).
    public static func centroidHertz(_ mono: ArraySlice<Float>, sampleRate: Int) -> Double {
        let size = 4_096
        let spectrum = meanPowerSpectrum(mono, size: size)
        var weighted = 0.0, total = 0.0
        for k in 0..<spectrum.count {
            weighted += Double(k) * Double(sampleRate) / Double(size) * spectrum[k]
            total += spectrum[k]
        }
        return weighted / total
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        var ab = 0.0, aa = 0.0, bb = 0.0
        for i in a.indices {
            ab += (a[i] - ma) * (b[i] - mb)
            aa += (a[i] - ma) * (a[i] - ma)
            bb += (b[i] - mb) * (b[i] - mb)
        }
        return ab / (aa * bb).squareRoot()
    }
}
