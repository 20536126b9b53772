// SPDX-License-Identifier: Apache-2.0

/// A biquad's coefficients, designed in double precision (the K-weighting's are checked against
/// BS.1770-4 Table 1 to 1e-9); `StereoKWeightingFilter` runs them in single precision.
struct Biquad: Sendable {
    let b0: Double, b1: Double, b2: Double, a1: Double, a2: Double
}

/// The K-weighting of ITU-R BS.1770-4 §2.1 for a stereo pair: the "stage 1" high shelf (+4 dB above
/// about 1.5 kHz, the head's acoustic effect) followed by the "stage 2" RLB high-pass.
///
/// Both stages and both channels run as one four-lane vector, (stage 1 L, R, stage 2 L, R): stage 2
/// filters what stage 1 produced one frame earlier, so each frame is a single set of vector
/// multiply-adds and the weighted output is one frame late (a 21 µs shift, nothing to a 100 ms
/// sub-block). Single precision is enough here: against a double-precision filter, sines of 40 Hz
/// to 1 kHz at −23 and −72 dBFS read within 1e-4 dB (direct form I, the feedback terms added last).
///
/// BS.1770-4 tabulates coefficients for 48 kHz only. For other rates the analogue prototypes are
/// re-derived through the bilinear transform from the pole/zero parameters that reproduce that table
/// (f0, gain and Q as published with libebur128 and pyloudnorm), so 48 kHz gives Table 1 exactly.
public struct StereoKWeightingFilter: Sendable {
    let shelf: Biquad
    let highPass: Biquad
    private let b0: SIMD4<Float>, b1: SIMD4<Float>, b2: SIMD4<Float>, a1: SIMD4<Float>, a2: SIMD4<Float>
    private var x1 = SIMD4<Float>.zero, x2 = SIMD4<Float>.zero, y1 = SIMD4<Float>.zero, y2 = SIMD4<Float>.zero

    public init(sampleRate: Int) {
        let fs = Double(sampleRate)
        // Stage 1: high shelf.
        let f0 = 1_681.974_450_955_533
        let gainDecibels = 3.999_843_853_973_347
        let q = 0.707_175_236_955_419_6
        let k = FastMath.preciseTan(Double.pi * f0 / fs)
        let vh = FastMath.powerRatio(decibels: gainDecibels / 2)  // 10^(G/20)
        let vb = FastMath.exp2Double(0.499_666_774_154_541_6 * FastMath.log2(vh))
        let a0 = 1 + k / q + k * k
        let shelf = Biquad(
            b0: (vh + vb * k / q + k * k) / a0, b1: 2 * (k * k - vh) / a0, b2: (vh - vb * k / q + k * k) / a0,
            a1: 2 * (k * k - 1) / a0, a2: (1 - k / q + k * k) / a0)
        // Stage 2: RLB high-pass; numerator left unnormalised (1, -2, 1) exactly as in the standard.
        let f1 = 38.135_470_876_024_44
        let q1 = 0.500_327_037_323_877_3
        let k1 = FastMath.preciseTan(Double.pi * f1 / fs)
        let d = 1 + k1 / q1 + k1 * k1
        let highPass = Biquad(b0: 1, b1: -2, b2: 1, a1: 2 * (k1 * k1 - 1) / d, a2: (1 - k1 / q1 + k1 * k1) / d)
        self.shelf = shelf
        self.highPass = highPass
        func lanes(_ first: Double, _ second: Double) -> SIMD4<Float> {
            SIMD4(Float(first), Float(first), Float(second), Float(second))
        }
        b0 = lanes(shelf.b0, highPass.b0)
        b1 = lanes(shelf.b1, highPass.b1)
        b2 = lanes(shelf.b2, highPass.b2)
        a1 = lanes(shelf.a1, highPass.a1)
        a2 = lanes(shelf.a2, highPass.a2)
    }

    /// The K-weighted power of the previous frame summed over both channels (BS.1770-4 eq. (1) with
    /// G = 1 for L and R), after taking in this frame.
    @inline(__always)
    public mutating func power(left: Float, right: Float) -> Double {
        let x = SIMD4(lowHalf: SIMD2(left, right), highHalf: y1.lowHalf)
        // Feed-forward terms first, then the feedback: the frame-to-frame dependency is one multiply
        // and two adds long.
        let y = (b0 * x - a1 * y1) + ((b1 * x1 + b2 * x2) - a2 * y2)
        x2 = x1
        x1 = x
        y2 = y1
        y1 = y
        let weighted = y.highHalf * y.highHalf
        return Double(weighted.x + weighted.y)
    }
}

extension FastMath {
    /// 2^x in double precision (initialisation only).
    static func exp2Double(_ x: Double) -> Double { powerRatio(decibels: x / 0.332_192_809_488_736_2) }
}
