// SPDX-License-Identifier: Apache-2.0

/// A streaming loudness meter after ITU-R BS.1770-4 and EBU R 128 / EBU Tech 3341 for a stereo
/// signal: momentary (400 ms), short-term (3 s) and gated integrated loudness, in LUFS.
///
/// It never allocates, so the render thread can run one to publish what is actually played.
/// K-weighted power is summed over 100 ms sub-blocks; momentary and short-term are the means of the
/// last 4 and 30 of them (BS.1770-4 §2.3 gating blocks of 400 ms with 75 % overlap; Tech 3341 §2.2).
/// Integrated loudness keeps every 400 ms block's power in a histogram of 0.1 LU bins with exact
/// per-bin power sums (the approach of libebur128), and applies the −70 LUFS absolute and −10 LU
/// relative gates of BS.1770-4 §2.4; only the relative gate's position inside its bin is approximate.
public struct LoudnessMeter: Sendable {
    static let histogramFloorLUFS = -70.0
    static let histogramStepLU = 0.1
    static let histogramBins = 1000  // −70 ... +30 LUFS

    private var weighting: StereoKWeightingFilter
    private let subBlockFrames: Int
    private var framesInSubBlock = 0
    private var subBlockPower = 0.0
    private var recentSubBlocks = InlineArray<30, Double>(repeating: 0)
    private var subBlocksSeen = 0
    private var histogramPower = InlineArray<1000, Double>(repeating: 0)
    private var histogramCount = InlineArray<1000, UInt32>(repeating: 0)

    /// Sample rates must be a multiple of 10 Hz so a sub-block is a whole number of frames.
    public init(sampleRate: Int) {
        weighting = StereoKWeightingFilter(sampleRate: sampleRate)
        subBlockFrames = sampleRate / 10
    }

    /// Loudness of a mean K-weighted power, BS.1770-4 eq. (2): L = −0.691 + 10·log10(Σ Gᵢ·zᵢ), G = 1 for L/R.
    @inline(__always)
    static func lufs(power: Double) -> Double { power > 0 ? -0.691 + FastMath.powerDecibels(power) : -.infinity }

    /// Adds one stereo frame.
    @inline(__always)
    public mutating func process(left l: Float, right r: Float) {
        addWeighted(power: weighting.power(left: l, right: r))
    }

    /// Adds one frame's already K-weighted power (sum over channels), for a caller that weights the
    /// signal itself (the renderer weights its dry mix once and scales by its own gain).
    @inline(__always)
    mutating func addWeighted(power: Double) {
        subBlockPower += power
        framesInSubBlock += 1
        if framesInSubBlock == subBlockFrames { closeSubBlock() }
    }

    /// Adds interleaved stereo frames.
    public mutating func process(interleaved samples: UnsafeBufferPointer<Float>) {
        var index = 0
        while index + 1 < samples.count {
            process(left: samples[index], right: samples[index + 1])
            index += 2
        }
    }

    private mutating func closeSubBlock() {
        recentSubBlocks[subBlocksSeen % 30] = subBlockPower / Double(subBlockFrames)
        subBlocksSeen += 1
        subBlockPower = 0
        framesInSubBlock = 0
        if subBlocksSeen >= 30 { shortTermLUFS = Self.lufs(power: meanOfLast(30)) }
        if subBlocksSeen >= 4 {
            let power = meanOfLast(4)
            let loudness = Self.lufs(power: power)
            momentaryLUFS = loudness
            if loudness > Self.histogramFloorLUFS {
                let bin = min(Int((loudness - Self.histogramFloorLUFS) / Self.histogramStepLU), Self.histogramBins - 1)
                histogramPower[bin] += power
                histogramCount[bin] += 1
                integratedLUFS = integrated()
            }
        }
    }

    private func meanOfLast(_ count: Int) -> Double {
        var sum = 0.0
        for back in 1...count { sum += recentSubBlocks[(subBlocksSeen - back) % 30] }
        return sum / Double(count)
    }

    /// Momentary loudness of the last 400 ms, LUFS; −∞ until 400 ms have been seen.
    ///
    /// Stored, updated once per 100 ms sub-block: a computed property would copy the 12 kB meter on
    /// every read from the render loop.
    public private(set) var momentaryLUFS = -Double.infinity

    /// Short-term loudness of the last 3 s, LUFS; −∞ until 3 s have been seen.
    public private(set) var shortTermLUFS = -Double.infinity

    /// Gated integrated loudness of everything so far, LUFS; −∞ if no block passed the gates.
    ///
    /// Stored like the others, and recomputed only when a 400 ms block enters the histogram: the
    /// live render loop publishes it every period, and a computed property copied the meter and its
    /// histograms there (60 % of the daemon's CPU in perf).
    public private(set) var integratedLUFS = -Double.infinity

    /// BS.1770-4 §2.4 over the histogram: the mean power of the blocks above the absolute gate sets
    /// the relative gate 10 LU below it; the loudness is the mean power of the blocks above both.
    /// Mutating only so the histograms are read in place, never copied.
    private mutating func integrated() -> Double {
        var power = 0.0
        var count = 0.0
        for bin in 0..<Self.histogramBins {
            power += histogramPower[bin]
            count += Double(histogramCount[bin])
        }
        guard count > 0 else { return -.infinity }
        let relativeGate = Self.lufs(power: power / count) - 10
        // Truncation is the floor here: negative positions are clamped to bin 0 first. (`rounded(.down)`
        // would touch FloatingPointRoundingRule's metadata, which the render thread must not.)
        let firstBin = Int(max(0, (relativeGate - Self.histogramFloorLUFS) / Self.histogramStepLU))
        power = 0
        count = 0
        for bin in firstBin..<Self.histogramBins {
            // Inside the gate's own bin, include only blocks whose mean power is above the gate.
            if bin == firstBin, histogramCount[bin] > 0,
                Self.lufs(power: histogramPower[bin] / Double(histogramCount[bin])) <= relativeGate
            {
                continue
            }
            power += histogramPower[bin]
            count += Double(histogramCount[bin])
        }
        return count > 0 ? Self.lufs(power: power / count) : -.infinity
    }
}
