// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// LF and HF power (ms²) of one window of RR intervals, computed exactly as NeuroKit2 0.2.13
/// `hrv_frequency(psd_method="welch", interpolation_rate=4, normalize=False)` does, so Lull's
/// numbers can be checked against the reference toolbox window by window:
///
/// 1. Each RR value is placed at the time of the beat that ends it and interpolated onto a 4 Hz
///    grid `t₀, t₀ + ¼, …` up to the last beat (`numpy.arange(t₀, t_last + ¼, ¼)`) with SciPy's
///    quadratic B-spline (`QuadraticSpline`); grid points past the last beat hold the last RR.
/// 2. The mean of the interpolated series is removed (NeuroKit2 `signal_psd`); no detrending.
/// 3. Welch (1967) with a periodic Hann window, `nperseg = int(2 / (8 / (N/2)) × 4)`, i.e. N/2 for
///    N grid samples (NeuroKit2's "2 cycles of the minimum frequency" rule always lands on N/2),
///    50 % overlap (`nperseg // 2`), `nfft = 2 × nperseg`, no per-segment detrending, density
///    scaling `1 / (fs Σw²)`, one-sided (×2 except DC and Nyquist), segments averaged by mean
///    (SciPy `welch`). A 300 s window gives 3 segments of 150 s, 0.0033 Hz bins.
/// 4. Band power is the trapezoid integral of the PSD over bins with LF: 0.04 ≤ f < 0.15 Hz,
///    HF: 0.15 ≤ f < 0.40 Hz (NeuroKit2 `_signal_power_instant_compute`).
///
/// Too little data gives nil, never zero: fewer than 3 beats, a segment shorter than 50 s (two
/// cycles of 0.04 Hz, so LF cannot be resolved), or a band with no power.
public struct WelchSpectrum: Sendable {
    static let samplingRateHz = 4.0
    static let lfBand = (0.04, 0.15)
    static let hfBand = (0.15, 0.40)
    /// Shortest Welch segment that still holds two cycles of the lowest LF frequency.
    static let minimumSegmentSeconds = 50.0

    private var spline = QuadraticSpline()
    private var signal: [Double] = []
    private var power: [Double] = []
    private var transforms: [Int: ChirpZ] = [:]
    private var hann: [Int: (window: [Double], energy: Double)] = [:]

    public init() {}

    /// LF and HF power of RR values `milliseconds` ending at `times` (seconds, strictly increasing).
    public mutating func analyse(
        times: UnsafeBufferPointer<Double>, milliseconds: UnsafeBufferPointer<Double>
    ) -> FrequencyDomainMetrics? {
        guard interpolate(times: times, milliseconds: milliseconds) else { return nil }
        return spectrumOfInterpolated(keepingScratch: true)
    }

    /// The grid's sample count after `interpolate` (0 before).
    private var gridCount = 0

    /// Step 1: the 4 Hz grid of RR values `milliseconds` ending at `times`; false with fewer than
    /// 3 beats.
    mutating func interpolate(times: UnsafeBufferPointer<Double>, milliseconds: UnsafeBufferPointer<Double>) -> Bool {
        gridCount = 0
        guard times.count >= 3, times.count == milliseconds.count else { return false }
        let t0 = times[0]
        let tLast = times[times.count - 1]
        let step = 1 / Self.samplingRateHz
        // numpy.arange(start, stop, step): length ceil((stop - start) / step), values start + i·δ
        // with δ = (start + step) - start, reproduced operation for operation.
        let stop = tLast + step
        let count = Int(((stop - t0) / step).rounded(.up))
        let delta = (t0 + step) - t0
        if signal.count < count { signal = [Double](repeating: 0, count: count) }
        signal.withUnsafeMutableBufferPointer { out in
            spline.interpolate(
                x: times, y: milliseconds, grid: UniformGrid(start: t0, step: delta, count: count), output: out)
        }
        gridCount = count
        return true
    }

    /// Steps 2-4 on the grid `interpolate` made. Without `keepingScratch` (one spectrum of a whole
    /// recording, where the scratch is the size of the recording) the interpolation's scratch is
    /// let go before the transform is set up, and the transform is not kept for another call.
    mutating func spectrumOfInterpolated(keepingScratch: Bool) -> FrequencyDomainMetrics? {
        let count = gridCount
        guard count >= 3 else { return nil }
        if !keepingScratch { spline = QuadraticSpline() }
        let step = 1 / Self.samplingRateHz
        // NeuroKit2 signal_psd: min_frequency = 2 fs / (N/2); nperseg = int((2 / min_frequency) fs).
        let n = Double(count)
        let minimumFrequency = (2 * Self.samplingRateHz) / (n / 2)
        var segmentLength = Int((2 / minimumFrequency) * Self.samplingRateHz)
        if Double(segmentLength) > n / 2 { segmentLength = Int(n / 2) }
        guard Double(segmentLength) / Self.samplingRateHz >= Self.minimumSegmentSeconds else { return nil }
        let overlap = segmentLength / 2
        let hop = segmentLength - overlap
        let segments = (count - overlap) / hop
        let transformLength = 2 * segmentLength
        let binWidth = 1.0 / (Double(transformLength) * step)  // numpy.fft.rfftfreq
        var maxBin = 0
        while Double(maxBin + 1) * binWidth < Self.hfBand.1 { maxBin += 1 }

        let mean = signal.withUnsafeBufferPointer { fourLaneSum(UnsafeBufferPointer(rebasing: $0[..<count])) } / n
        power.removeAll(keepingCapacity: true)
        power.append(contentsOf: repeatElement(0, count: maxBin + 1))
        if !keepingScratch && segmentLength + 2 * maxBin > blocking.largestTransform {
            let windowEnergy = blockedPowers(
                segments: segments, hop: hop, segmentLength: segmentLength, transformLength: transformLength,
                maxBin: maxBin, mean: mean)
            return bandPowers(transformLength: transformLength, windowEnergy: windowEnergy, segments: segments, binWidth: binWidth)
        }
        let (window, windowEnergy) = hannWindow(segmentLength)

        if transforms[segmentLength]?.maxBin != maxBin {
            transforms[segmentLength] = ChirpZ(
                segmentLength: segmentLength, transformLength: transformLength, maxBin: maxBin, window: window)
        }
        var czt = transforms[segmentLength]!
        transforms[segmentLength] = nil  // keep the cache entry uniquely referenced while it works
        signal.withUnsafeBufferPointer { sb in
            power.withUnsafeMutableBufferPointer { pa in
                let x = sb.baseAddress!
                var s = 0
                while s < segments {
                    // Segments two at a time, one as the real and one as the imaginary part.
                    let pair = s + 1 < segments
                    czt.accumulatePowers(
                        first: x + s * hop, second: pair ? x + (s + 1) * hop : nil, mean: mean,
                        firstPower: pa.baseAddress!, secondPower: pair ? pa.baseAddress! : nil)
                    s += pair ? 2 : 1
                }
            }
        }
        if keepingScratch { transforms[segmentLength] = czt }
        return bandPowers(transformLength: transformLength, windowEnergy: windowEnergy, segments: segments, binWidth: binWidth)
    }

    /// Step 4 on the summed |DFT|² in `power`: Welch's scaling, then the band integrals.
    private mutating func bandPowers(
        transformLength: Int, windowEnergy: Double, segments: Int, binWidth: Double
    ) -> FrequencyDomainMetrics? {
        let scale = 1 / (Self.samplingRateHz * windowEnergy) / Double(segments)
        for k in power.indices {
            let oneSided = (k == 0 || k == transformLength / 2) ? 1.0 : 2.0
            power[k] *= scale * oneSided
        }
        let lf = bandPower(Self.lfBand, binWidth: binWidth)
        let hf = bandPower(Self.hfBand, binWidth: binWidth)
        guard let lf, let hf else { return nil }
        return FrequencyDomainMetrics(lfMs2: lf, hfMs2: hf)
    }

    /// When and how a whole recording's spectrum is computed in blocks.
    struct Blocking: Sendable {
        /// Segment plus bins beyond which it is: 2²¹ points, so no transform is larger (about
        /// 50 MB of tables and work). A day's recording (345,600 grid points, segments of half
        /// that) stays below it and is computed in one transform per pair of segments, as every
        /// window is.
        var largestTransform = 1 << 21
        /// Samples and bins per block (block + bins - 1 ≤ largestTransform).
        var blockSamples = 1 << 20
        var blockBins = 1 << 20
    }
    var blocking = Blocking()

    /// |DFT|² at bins 0 … maxBin of every segment, summed into `power`, in blocks: each segment is
    /// cut into blocks of samples and the bins into runs, and each (run, block) is one chirp-z
    /// transform turned to the block's place in its segment (the DFT is linear in its samples).
    /// Memory is a block and a run of bins, not the segment: this is what lets `lull hrv` take a
    /// recording of millions of beats. The Hann window is generated per block (by rotation, set
    /// again from cos/sin every 4096 samples), not stored. Returns Σw² of the window.
    private mutating func blockedPowers(
        segments: Int, hop: Int, segmentLength: Int, transformLength: Int, maxBin: Int, mean: Double
    ) -> Double {
        let blockLength = min(blocking.blockSamples, segmentLength)
        var block = [Double](repeating: 0, count: blockLength)
        var real = [Double](repeating: 0, count: blocking.blockBins)
        var imaginary = [Double](repeating: 0, count: blocking.blockBins)
        let angleStep = 2 * Double.pi / Double(segmentLength)
        let (stepCos, stepSin) = (cos(angleStep), sin(angleStep))
        var windowEnergy = 0.0
        var energyCounted = false
        var firstBin = 0
        while firstBin <= maxBin {
            let binCount = min(blocking.blockBins, maxBin + 1 - firstBin)
            var czt = ChirpZ(
                blockLength: blockLength, transformLength: transformLength, firstBin: firstBin, binCount: binCount)
            for segment in 0..<segments {
                real.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                imaginary.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                var offset = 0
                while offset < segmentLength {
                    let count = min(blockLength, segmentLength - offset)
                    signal.withUnsafeBufferPointer { x in
                        block.withUnsafeMutableBufferPointer { b in
                            let start = segment * hop + offset
                            var c = 1.0, s = 0.0
                            for j in 0..<count {
                                let n = offset + j
                                if j % 4096 == 0 { (c, s) = (cos(angleStep * Double(n)), sin(angleStep * Double(n))) }
                                // SciPy's periodic Hann: 0.5 - 0.5 cos(2πn/M).
                                let w = 0.5 - 0.5 * c
                                if !energyCounted { windowEnergy += w * w }
                                b[j] = (x[start + j] - mean) * w
                                (c, s) = (c * stepCos - s * stepSin, c * stepSin + s * stepCos)
                            }
                        }
                    }
                    block.withUnsafeBufferPointer { b in
                        real.withUnsafeMutableBufferPointer { re in
                            imaginary.withUnsafeMutableBufferPointer { im in
                                czt.accumulateBins(
                                    of: b.baseAddress!, count: count, offset: offset, real: re.baseAddress!,
                                    imaginary: im.baseAddress!)
                            }
                        }
                    }
                    offset += count
                }
                energyCounted = true
                for m in 0..<binCount { power[firstBin + m] += real[m] * real[m] + imaginary[m] * imaginary[m] }
            }
            firstBin += binCount
        }
        return windowEnergy
    }

    /// Trapezoid integral of the PSD over bins with low ≤ f < high; nil when it is zero. Those
    /// bins are consecutive (f = k·binWidth grows with k): the first is estimated from the band's
    /// edge and settled by the same comparison, so only the band's own bins are visited.
    private func bandPower(_ band: (Double, Double), binWidth: Double) -> Double? {
        power.withUnsafeBufferPointer { p in
            var k = min(p.count, max(0, Int((band.0 / binWidth).rounded(.down))))
            while k > 0 && Double(k - 1) * binWidth >= band.0 { k -= 1 }
            while k < p.count && !(Double(k) * binWidth >= band.0) { k += 1 }
            guard k < p.count && Double(k) * binWidth < band.1 else { return nil }
            var total = 0.0
            var previousF = Double(k) * binWidth
            var previousP = p[k]
            k += 1
            while k < p.count {
                let f = Double(k) * binWidth
                guard f < band.1 else { break }
                total += (f - previousF) * (p[k] + previousP) / 2
                (previousF, previousP) = (f, p[k])
                k += 1
            }
            return total > 0 ? total : nil
        }
    }

    /// SciPy `get_window("hann", M)`: the periodic ("DFT-even") Hann window, and Σw².
    private mutating func hannWindow(_ length: Int) -> (window: [Double], energy: Double) {
        if let w = hann[length] { return w }
        var w = [Double](repeating: 0, count: length)
        for j in 0..<length { w[j] = 0.5 - 0.5 * cos(2 * Double.pi * Double(j) / Double(length)) }
        var energy = 0.0
        for v in w { energy += v * v }
        hann[length] = (w, energy)
        return (w, energy)
    }
}
