// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Mel-frequency cepstral coefficients, the usual summary of timbre (Davis & Mermelstein 1980,
/// "Comparison of parametric representations for monosyllabic word recognition", IEEE TASSP 28(4)):
/// Hann-windowed frames, power spectrum, a bank of triangular filters equally spaced on the mel scale
/// (mel = 2595 log10(1 + f/700)), the logarithm of each band's energy, then a DCT-II. Used to tell
/// palettes apart by their sound alone.
public enum MFCC {
    /// Coefficients 1 ... `count` of the piece's long-term spectrum: the mel band energies averaged
    /// over every frame of `mono`, then their logarithm and DCT. Averaging the energies before the
    /// logarithm keeps the quiet frames between melody phrases from weighing as much as the music
    /// (a mean of per-frame MFCCs swung with how much of a minute happened to be rests). c0, the
    /// overall level, is left out: the palettes are calibrated to one loudness, and the comparison is
    /// of timbre.
    public static func meanCoefficients(
        _ mono: ArraySlice<Float>, sampleRate: Int, frameSize: Int = 1_024, bands: Int = 26, count: Int = 13
    ) -> [Double] {
        let filters = melFilters(bands: bands, frameSize: frameSize, sampleRate: sampleRate)
        let window = (0..<frameSize).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(frameSize)) }
        var energies = [Double](repeating: 0, count: bands)
        var start = mono.startIndex
        while start + frameSize <= mono.endIndex {
            var real = (0..<frameSize).map { Double(mono[start + $0]) * window[$0] }
            var imaginary = [Double](repeating: 0, count: frameSize)
            SpectralAnalysis.fft(real: &real, imaginary: &imaginary)
            let power = (0...(frameSize / 2)).map { real[$0] * real[$0] + imaginary[$0] * imaginary[$0] }
            for (m, filter) in filters.enumerated() { energies[m] += filter.reduce(0) { $0 + $1.weight * power[$1.bin] } }
            start += frameSize / 2
        }
        let logEnergies = energies.map { log(max($0, 1e-12)) }
        return (1...count).map { k in
            logEnergies.enumerated().reduce(0) { sum, band in
                sum + band.element * cos(Double.pi * Double(k) * (Double(band.offset) + 0.5) / Double(bands))
            }
        }
    }

    /// Euclidean distance between two coefficient vectors.
    public static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    /// Triangular filters from 40 Hz to the Nyquist frequency, as (bin, weight) lists.
    static func melFilters(bands: Int, frameSize: Int, sampleRate: Int) -> [[(bin: Int, weight: Double)]] {
        func mel(_ hertz: Double) -> Double { 2595 * log10(1 + hertz / 700) }
        func hertz(_ mel: Double) -> Double { 700 * (pow(10, mel / 2595) - 1) }
        let low = mel(40), high = mel(Double(sampleRate) / 2)
        let edges = (0...(bands + 1)).map { hertz(low + (high - low) * Double($0) / Double(bands + 1)) }
        let binHertz = Double(sampleRate) / Double(frameSize)
        return (0..<bands).map { b in
            (0...(frameSize / 2)).compactMap { bin -> (bin: Int, weight: Double)? in
                let f = Double(bin) * binHertz
                let rising = (f - edges[b]) / (edges[b + 1] - edges[b])
                let falling = (edges[b + 2] - f) / (edges[b + 2] - edges[b + 1])
                let weight = min(rising, falling)
                return weight > 0 ? (bin, weight) : nil
            }
        }
    }
}
