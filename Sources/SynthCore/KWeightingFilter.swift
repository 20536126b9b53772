// SPDX-License-Identifier: Apache-2.0

/// A direct-form-I biquad in double precision on two channels side by side (the K-weighting
/// high-pass sits at 38 Hz, where single precision loses accuracy at 48 kHz). Each lane performs the
/// scalar filter's operations in the same order, so a lane's output is bit-identical to a mono filter's.
struct Biquad: Sendable {
    let b0: Double, b1: Double, b2: Double, a1: Double, a2: Double
    private var x1 = SIMD2<Double>.zero, x2 = SIMD2<Double>.zero, y1 = SIMD2<Double>.zero, y2 = SIMD2<Double>.zero

    init(b0: Double, b1: Double, b2: Double, a1: Double, a2: Double) {
        (self.b0, self.b1, self.b2, self.a1, self.a2) = (b0, b1, b2, a1, a2)
    }

    @inline(__always)
    mutating func process(_ x: SIMD2<Double>) -> SIMD2<Double> {
        let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        x2 = x1
        x1 = x
        y2 = y1
        y1 = y
        return y
    }
}

/// The K-weighting of ITU-R BS.1770-4 §2.1 for a stereo pair: the "stage 1" high shelf (+4 dB above
/// about 1.5 kHz, the head's acoustic effect) followed by the "stage 2" RLB high-pass, both channels
/// in one vector so each stage is one set of vector multiply-adds.
///
/// BS.1770-4 tabulates coefficients for 48 kHz only. For other rates the analogue prototypes are
/// re-derived through the bilinear transform from the pole/zero parameters that reproduce that table
/// (f0, gain and Q as published with libebur128 and pyloudnorm), so 48 kHz gives Table 1 exactly.
public struct StereoKWeightingFilter: Sendable {
    var shelf: Biquad
    var highPass: Biquad

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
        shelf = Biquad(
            b0: (vh + vb * k / q + k * k) / a0, b1: 2 * (k * k - vh) / a0, b2: (vh - vb * k / q + k * k) / a0,
            a1: 2 * (k * k - 1) / a0, a2: (1 - k / q + k * k) / a0)
        // Stage 2: RLB high-pass; numerator left unnormalised (1, -2, 1) exactly as in the standard.
        let f1 = 38.135_470_876_024_44
        let q1 = 0.500_327_037_323_877_3
        let k1 = FastMath.preciseTan(Double.pi * f1 / fs)
        let d = 1 + k1 / q1 + k1 * k1
        highPass = Biquad(b0: 1, b1: -2, b2: 1, a1: 2 * (k1 * k1 - 1) / d, a2: (1 - k1 / q1 + k1 * k1) / d)
    }

    /// K-weighted left and right samples.
    @inline(__always)
    public mutating func process(_ samples: SIMD2<Double>) -> SIMD2<Double> { highPass.process(shelf.process(samples)) }

    /// The frame's K-weighted power summed over both channels (BS.1770-4 eq. (1) with G = 1 for L and R).
    @inline(__always)
    public mutating func power(left: Float, right: Float) -> Double {
        let weighted = process(SIMD2(Double(left), Double(right)))
        return weighted.x * weighted.x + weighted.y * weighted.y
    }
}

/// The K-weighting of one channel (the stereo filter with its second lane unused).
public struct KWeightingFilter: Sendable {
    private var filter: StereoKWeightingFilter

    public init(sampleRate: Int) { filter = StereoKWeightingFilter(sampleRate: sampleRate) }

    var shelf: Biquad { filter.shelf }
    var highPass: Biquad { filter.highPass }

    @inline(__always)
    public mutating func process(_ x: Double) -> Double { filter.process(SIMD2(x, 0)).x }
}

extension FastMath {
    /// 2^x in double precision (initialisation only).
    static func exp2Double(_ x: Double) -> Double { powerRatio(decibels: x / 0.332_192_809_488_736_2) }
}
