// SPDX-License-Identifier: Apache-2.0

/// Maximum true-peak level of a stereo signal by 4× oversampling, after ITU-R BS.1770-4 Annex 2.
///
/// The interpolator is a 48-tap windowed-sinc (4 phases × 12 taps, the same size as the Annex 2
/// example filter) designed here, not copied: phase 0 reproduces the input samples exactly, phases
/// 1–3 estimate the signal a quarter, half and three quarters of a sample later. Input is float, so
/// the Annex's 12.04 dB headroom attenuation for fixed point is not needed.
public struct TruePeakMeter: Sendable {
    static let tapsPerPhase = 12
    /// Taps of phases 1–3; lane k weights the sample k frames back (lanes 12–15 are zero).
    private var taps = InlineArray<3, SIMD16<Float>>(repeating: .zero)
    /// The last twelve samples of each channel, newest in lane 0: a shift register, so the filters
    /// are three vector dot products per channel with no index arithmetic.
    private var historyLeft = SIMD16<Float>.zero
    private var historyRight = SIMD16<Float>.zero
    /// Largest absolute interpolated value seen so far (linear).
    public private(set) var peak: Float = 0
    /// No interpolated value exceeds this many times the largest input magnitude under the filter:
    /// the largest Σ|tap| over the phases (1.92, phase 2), with room for float rounding.
    private var gainBound: Float = 1

    /// Frames per span in `process(interleaved:)`: each span's inputs are bounded first.
    static let spanFrames = 64

    public init() {
        for phase in 1..<4 {
            var phaseTaps = SIMD16<Float>.zero
            var sum: Float = 0
            for k in 0..<Self.tapsPerPhase {
                // Offset of tap k from the interpolation instant, in input samples.
                let t = Double(k - 6) + Double(phase) / 4
                let sinc = FastMath.sinDouble(Double.pi * t) / (Double.pi * t)
                let windowArgument = Double.pi * t / 13  // Hann window cos² spanning ±6.5 samples
                let window = FastMath.sinDouble(windowArgument + Double.pi / 2)
                phaseTaps[k] = Float(sinc * window * window)
                sum += phaseTaps[k]
            }
            // Unity gain at DC for every phase, so steady levels read the same between samples.
            taps[phase - 1] = phaseTaps / sum
            var magnitudes: Float = 0
            for k in 0..<Self.tapsPerPhase { magnitudes += abs(taps[phase - 1][k]) }
            gainBound = max(gainBound, magnitudes * 1.001)
        }
    }

    /// Adds one stereo frame.
    @inline(__always)
    public mutating func process(left: Float, right: Float) {
        historyLeft = Self.shifted(historyLeft, in: left)
        historyRight = Self.shifted(historyRight, in: right)
        // Phase 0 (sinc at whole samples) is the input itself, at the interpolation instant n − 6.
        var loudest = max(abs(historyLeft[6]), abs(historyRight[6]))
        for phase in 0..<3 {
            let phaseTaps = taps[phase]
            loudest = max(loudest, max(abs(Self.sum(phaseTaps * historyLeft)), abs(Self.sum(phaseTaps * historyRight))))
        }
        peak = max(peak, loudest)
    }

    @inline(__always)
    static func shifted(_ h: SIMD16<Float>, in x: Float) -> SIMD16<Float> {
        SIMD16(x, h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14])
    }

    @inline(__always)
    static func sum(_ v: SIMD16<Float>) -> Float { SIMDMath.sum(v.lowHalf + v.highHalf) }

    /// Adds interleaved stereo frames.
    ///
    /// The same peak as `process(left:right:)` frame by frame, for much less work: the interpolator
    /// is linear, so no value interpolated inside a span can exceed `gainBound` times the largest
    /// input magnitude the filter sees there (the span and the twelve samples before it). A span
    /// whose bound stays at or under the peak found so far cannot raise it, and only its last
    /// samples are kept for the next span. After the first seconds most spans are skipped, which is
    /// what makes a full 4× true peak affordable next to the synth (BS.1770-4 Annex 2 asks for the
    /// maximum of the oversampled signal; every sample that could reach it is still oversampled).
    public mutating func process(interleaved samples: UnsafeBufferPointer<Float>) {
        let frames = samples.count / 2
        var start = 0
        while start < frames {
            let end = min(start + Self.spanFrames, frames)
            let largest = max(
                Self.largestMagnitude(historyLeft), Self.largestMagnitude(historyRight),
                Self.largestMagnitude(samples, from: 2 * start, to: 2 * end))
            if largest * gainBound <= peak {
                historyLeft = Self.history(samples, channel: 0, before: end, spanStart: start, previous: historyLeft)
                historyRight = Self.history(samples, channel: 1, before: end, spanStart: start, previous: historyRight)
            } else {
                for frame in start..<end { process(left: samples[2 * frame], right: samples[2 * frame + 1]) }
            }
            start = end
        }
    }

    @inline(__always)
    static func largestMagnitude(_ v: SIMD16<Float>) -> Float {
        let eight = SIMDMath.maximum(SIMDMath.maximum(v.lowHalf, -v.lowHalf), SIMDMath.maximum(v.highHalf, -v.highHalf))
        return largestLane(SIMDMath.maximum(eight.lowHalf, eight.highHalf))
    }

    @inline(__always)
    static func largestLane(_ v: SIMD4<Float>) -> Float { max(max(v.x, v.y), max(v.z, v.w)) }

    /// max |samples[i]| for i in `from ..< to`, four at a time.
    @inline(__always)
    static func largestMagnitude(_ samples: UnsafeBufferPointer<Float>, from: Int, to: Int) -> Float {
        guard let base = samples.baseAddress else { return 0 }
        var largest = SIMD4<Float>.zero
        var index = from
        while index + 4 <= to {
            let v = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD4<Float>.self)
            largest = SIMDMath.maximum(largest, SIMDMath.maximum(v, -v))
            index += 4
        }
        var result = largestLane(largest)
        while index < to {
            result = max(result, abs(base[index]))
            index += 1
        }
        return result
    }

    /// The shift register after a skipped span: the newest sample (frame `end − 1`) in lane 0, older
    /// lanes from the span, then from the register before it.
    static func history(
        _ samples: UnsafeBufferPointer<Float>, channel: Int, before end: Int, spanStart: Int, previous: SIMD16<Float>
    ) -> SIMD16<Float> {
        var result = SIMD16<Float>.zero
        let spanLength = end - spanStart
        for lane in 0..<16 {
            result[lane] = lane < spanLength ? samples[2 * (end - 1 - lane) + channel] : previous[lane - spanLength]
        }
        return result
    }

    /// Maximum true-peak level, dBTP (−∞ for silence).
    public var truePeakDBTP: Double { peak > 0 ? FastMath.powerDecibels(Double(peak) * Double(peak)) : -.infinity }
}

extension FastMath {
    /// sin(x) in double precision for moderate |x| (reduced to ±π, then Taylor to x²³).
    static func sinDouble(_ x: Double) -> Double {
        let twoPi = 2 * Double.pi
        var r = x - twoPi * (x / twoPi).rounded()
        if r > Double.pi / 2 { r = Double.pi - r } else if r < -Double.pi / 2 { r = -Double.pi - r }
        var sum = 0.0
        var term = r
        var n = 1.0
        while n < 24 {
            sum += term
            term *= -r * r / ((n + 1) * (n + 2))
            n += 2
        }
        return sum
    }
}
