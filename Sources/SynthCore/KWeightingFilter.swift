// SPDX-License-Identifier: Apache-2.0

/// A direct-form-I biquad in double precision (the K-weighting high-pass sits at 38 Hz, where
/// single precision loses accuracy at 48 kHz).
struct Biquad: Sendable {
    var b0: Double, b1: Double, b2: Double, a1: Double, a2: Double
    private var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0

    init(b0: Double, b1: Double, b2: Double, a1: Double, a2: Double) {
        (self.b0, self.b1, self.b2, self.a1, self.a2) = (b0, b1, b2, a1, a2)
    }

    @inline(__always)
    mutating func process(_ x: Double) -> Double {
        let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        x2 = x1
        x1 = x
        y2 = y1
        y1 = y
        return y
    }
}

/// The K-weighting of ITU-R BS.1770-4 §2.1 for one channel: the "stage 1" high shelf (+4 dB above
/// about 1.5 kHz, the head's acoustic effect) followed by the "stage 2" RLB high-pass.
///
/// BS.1770-4 tabulates coefficients for 48 kHz only. For other rates the analogue prototypes are
/// re-derived through the bilinear transform from the pole/zero parameters that reproduce that table
/// (f0, gain and Q as published with libebur128 and pyloudnorm), so 48 kHz gives Table 1 exactly.
public struct KWeightingFilter: Sendable {
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

    @inline(__always)
    public mutating func process(_ x: Double) -> Double { highPass.process(shelf.process(x)) }
}

extension FastMath {
    /// 2^x in double precision (initialisation only).
    static func exp2Double(_ x: Double) -> Double { powerRatio(decibels: x / 0.332_192_809_488_736_2) }
}
