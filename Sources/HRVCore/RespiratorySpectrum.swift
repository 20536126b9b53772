// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Coherence and breathing rate from the last 64 s of RR intervals.
///
/// Method (one short spectrum serves both, refreshed every 5 s by the callers):
/// - The RR series is interpolated onto a 4 Hz grid of 256 samples ending at `endSeconds`
///   (`QuadraticSpline`, the same interpolation as the Welch LF/HF), the least-squares line is
///   removed (slow drifts over a minute would otherwise dominate the lowest bins), a Hann window is
///   applied, and the periodogram is taken with zero padding to 512 points (0.0078 Hz bins).
/// - Coherence follows McCraty & Zayas 2014 ("Cardiac coherence, self-regulation, autonomic
///   stability, and psychosocial well-being", Front Psychol 5:1090): the highest peak in
///   0.04-0.26 Hz is found, "peak power" is the power within ±0.015 Hz of it (a 0.030 Hz wide
///   window), "total power" is the power over 0.0033-0.4 Hz, and coherence = peak / (total - peak).
///   Values near 0 mean a scattered spectrum; a single dominant rhythm (resonance breathing
///   near 0.1 Hz) gives values well above 1.
/// - Breathing rate is the frequency of the highest peak in 0.05-0.5 Hz, refined by a parabola
///   through the peak bin and its neighbours, in breaths per minute. Respiratory sinus arrhythmia
///   puts the breathing frequency into the RR series (Hirsch & Bishop 1981, Am J Physiol
///   241:H620); searching down to 0.05 Hz (3/min) lets slow breathing near 6/min be found. When
///   breathing is shallow the 0.1 Hz baroreflex (Mayer) rhythm can be the larger peak, so the
///   estimate is only as good as the RSA is visible.
/// Nil when the beats do not cover at least 60 of the 64 s.
public struct RespiratorySpectrum: Sendable {
    public static let spanSeconds = 64.0
    static let samplingRateHz = 4.0
    static let sampleCount = 256
    static let paddedCount = 512

    public struct Estimate: Sendable, Equatable {
        public var coherence: Double
        public var breathingRatePerMinute: Double
    }

    private var spline = QuadraticSpline()
    private var samples = [Double](repeating: 0, count: sampleCount)
    private var real = [Double](repeating: 0, count: paddedCount / 2)
    private var imaginary = [Double](repeating: 0, count: paddedCount / 2)
    private var power = [Double](repeating: 0, count: paddedCount / 2 + 1)
    /// The real 512-point transform is one complex 256-point transform of the even samples (as
    /// real parts) and odd samples (as imaginary parts), separated afterwards (Cooley, Lewis &
    /// Welch 1970; Numerical Recipes §12.3): half the work of a complex 512-point transform.
    private let fft = FFT<Double>(size: paddedCount / 2)
    /// e^{-2πik/512} for k = 0 … 256, for that separation.
    private let twiddleReal: [Double] = (0...(paddedCount / 2)).map { cos(-2 * Double.pi * Double($0) / Double(paddedCount)) }
    private let twiddleImaginary: [Double] = (0...(paddedCount / 2)).map {
        sin(-2 * Double.pi * Double($0) / Double(paddedCount))
    }
    private let window: [Double] = (0..<sampleCount).map {
        0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(sampleCount))
    }

    public init() {}

    /// The estimate at `endSeconds` from RR values `milliseconds` ending at `times` (ascending);
    /// only beats up to `endSeconds` should be passed.
    public mutating func analyse(
        times: UnsafeBufferPointer<Double>, milliseconds: UnsafeBufferPointer<Double>, endSeconds: Double
    ) -> Estimate? {
        let start = endSeconds - Self.spanSeconds
        guard times.count >= 3, let first = times.first, first <= start + 4,
            let last = times.last, last >= endSeconds - 4
        else { return nil }
        let step = 1 / Self.samplingRateHz

        samples.withUnsafeMutableBufferPointer { out in
            // start + (i+1)·step for i < 256: the grid ends at `endSeconds`.
            let grid = UniformGrid(start: start, step: step, count: Self.sampleCount, firstIndex: 1)
            spline.interpolate(x: times, y: milliseconds, grid: grid, output: out)
        }
        let half = Self.paddedCount / 2
        let fft = self.fft
        // The loops run on pointers: on the arrays themselves every store checked bounds and
        // uniqueness, which cost more than the arithmetic.
        samples.withUnsafeBufferPointer { sb in
            real.withUnsafeMutableBufferPointer { rb in
                imaginary.withUnsafeMutableBufferPointer { ib in
                    power.withUnsafeMutableBufferPointer { pb in
                        window.withUnsafeBufferPointer { wb in
                            let x = sb.baseAddress!, re = rb.baseAddress!, im = ib.baseAddress!
                            let w = wb.baseAddress!
                            // Remove the least-squares line. Sums run on four lanes (256 samples, a
                            // multiple of 4): one chain of 256 additions waits on each addition's latency.
                            let n = Double(Self.sampleCount)
                            let meanX = (n - 1) / 2
                            let meanY = fourLaneSum(UnsafeBufferPointer(start: x, count: Self.sampleCount)) / n
                            // Σ (i - meanX)² = n (n² - 1) / 12.
                            let sxx = n * (n * n - 1) / 12
                            var products = SIMD4<Double>()
                            var dx = SIMD4<Double>(0, 1, 2, 3) - meanX
                            var i = 0
                            while i < Self.sampleCount {
                                let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self)
                                products += dx * (v - meanY)
                                dx += 4
                                i += 4
                            }
                            let slope = products.sum() / sxx
                            // Samples 2m and 2m+1 as real and imaginary parts; past the 256
                            // samples, the zero padding.
                            for m in 0..<(Self.sampleCount / 2) {
                                let even = 2 * m, odd = 2 * m + 1
                                re[m] = (x[even] - meanY - slope * (Double(even) - meanX)) * w[even]
                                im[m] = (x[odd] - meanY - slope * (Double(odd) - meanX)) * w[odd]
                            }
                            (re + Self.sampleCount / 2).update(repeating: 0, count: half - Self.sampleCount / 2)
                            (im + Self.sampleCount / 2).update(repeating: 0, count: half - Self.sampleCount / 2)
                            fft.forwardToBitReversed(real: re, imaginary: im)
                            twiddleReal.withUnsafeBufferPointer { cb in
                                twiddleImaginary.withUnsafeBufferPointer { tb in
                                    fft.bitReversed.withUnsafeBufferPointer { order in
                                        Self.separate(
                                            re, im, order.baseAddress!, cb.baseAddress!, tb.baseAddress!,
                                            pb.baseAddress!, half)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let binHz = Self.samplingRateHz / Double(Self.paddedCount)
        func bin(_ hz: Double) -> Int { Int((hz / binHz).rounded()) }

        // Coherence (McCraty & Zayas 2014).
        var peakBin = bin(0.04)
        for k in bin(0.04)...bin(0.26) where power[k] > power[peakBin] { peakBin = k }
        let halfWidth = Int((0.015 / binHz).rounded())
        var peak = 0.0
        for k in (peakBin - halfWidth)...(peakBin + halfWidth) { peak += power[k] }
        var total = 0.0
        for k in bin(0.0033)...bin(0.4) { total += power[k] }
        let rest = total - peak
        guard total > 0 else { return nil }
        let coherence = rest > 0 ? peak / rest : Double.infinity

        // Breathing rate: parabolic refinement of the highest peak in 0.05-0.5 Hz.
        var breathBin = bin(0.05)
        for k in bin(0.05)...bin(0.5) where power[k] > power[breathBin] { breathBin = k }
        let a = power[breathBin - 1], b = power[breathBin], c = power[breathBin + 1]
        let denominator = a - 2 * b + c
        let offset = denominator < 0 ? max(-0.5, min(0.5, 0.5 * (a - c) / denominator)) : 0
        let breathingHz = (Double(breathBin) + offset) * binHz
        return Estimate(coherence: coherence, breathingRatePerMinute: breathingHz * 60)
    }

    /// The highest bin read: the breathing search's upper end (0.5 Hz) and its right neighbour.
    static let highestBin = Int((0.5 / (samplingRateHz / Double(paddedCount))).rounded()) + 1

    /// |X[k]|² for k = 0 … `highestBin` from the complex transform Z of the even (real parts) and
    /// odd (imaginary parts) samples, Z[k] at `order[k]` (bit-reversed): E = (Z[k] + conj Z[half-k]) / 2
    /// and O = (Z[k] - conj Z[half-k]) / 2i are the transforms of the even and odd samples, and
    /// X[k] = E + e^{-2πik/N} O. Bins above `highestBin` are never read, so not computed.
    private static func separate(
        _ re: UnsafePointer<Double>, _ im: UnsafePointer<Double>, _ order: UnsafePointer<Int32>,
        _ cosine: UnsafePointer<Double>, _ sine: UnsafePointer<Double>, _ power: UnsafeMutablePointer<Double>,
        _ half: Int
    ) {
        for k in 0...highestBin {
            let a = Int(order[k]), b = Int(order[k == 0 ? 0 : half - k])
            let er = (re[a] + re[b]) / 2, ei = (im[a] - im[b]) / 2
            let or = (im[a] + im[b]) / 2, oi = -(re[a] - re[b]) / 2
            let xr = er + cosine[k] * or - sine[k] * oi
            let xi = ei + cosine[k] * oi + sine[k] * or
            power[k] = xr * xr + xi * xi
        }
    }
}
