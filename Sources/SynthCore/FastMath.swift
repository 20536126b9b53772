// SPDX-License-Identifier: Apache-2.0

/// Branch-light approximations of the few transcendental functions the render path needs.
///
/// Why not `Glibc`: the render entry points are checked with `@_noLocks`, and the checker cannot see
/// into C library calls, so the render path uses these pure-Swift polynomials instead. They are
/// accurate to better than 1e-5 (sine) and 1e-6 relative (exp2/log2), far below audibility.
enum FastMath {
    /// floor(x) for |x| < 2³¹, through an integer conversion: `rounded(.down)` takes a
    /// `FloatingPointRoundingRule`, whose metadata the `@_noLocks` checker cannot rule out.
    @inline(__always)
    static func floor(_ x: Float) -> Float {
        let truncated = Float(Int32(x))
        return truncated > x ? truncated - 1 : truncated
    }

    /// sin(2π·turns) for any finite `turns`.
    ///
    /// Reduces to a quarter turn by symmetry, then evaluates the Taylor series of sin to x⁹; at the
    /// quarter-turn edge (x = π/2) the truncation error is x¹¹/11! ≈ 3.6e-6.
    @inline(__always)
    static func sinTurns(_ turns: Float) -> Float {
        var p = turns - floor(turns)  // 0 ..< 1
        if p > 0.5 { p -= 1 }  // -0.5 ... 0.5
        // Fold to -0.25 ... 0.25 using sin(π - x) = sin(x).
        if p > 0.25 { p = 0.5 - p } else if p < -0.25 { p = -0.5 - p }
        let x = p * (2 * Float.pi)
        let x2 = x * x
        return x * (1 + x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040 + x2 * (1.0 / 362_880)))))
    }

    /// tan(π·ratio) for 0 ≤ ratio < 0.5, the bilinear pre-warp of a filter cutoff (ratio = fc / fs).
    @inline(__always)
    static func tanHalfTurns(_ ratio: Float) -> Float {
        let half = ratio * 0.5
        return sinTurns(half) / sinTurns(half + 0.25)
    }

    /// 2^x, accurate to about 2e-7 relative for |x| < 100.
    ///
    /// Splits x into integer and fraction; the integer goes straight into the IEEE 754 exponent
    /// field, the fraction through a degree-6 Taylor polynomial of e^(f·ln 2) on [0, 1).
    @inline(__always)
    static func exp2(_ x: Float) -> Float {
        let clamped = min(max(x, -126), 126)
        let whole = floor(clamped)
        let f = clamped - whole
        let l = Float(0.693_147_18) * f
        let poly = 1 + l * (1 + l * (0.5 + l * (1.0 / 6 + l * (1.0 / 24 + l * (1.0 / 120 + l * (1.0 / 720))))))
        let scale = Float(bitPattern: UInt32(Int32(whole) + 127) << 23)
        return poly * scale
    }

    /// Linear gain of a level in decibels: 10^(dB/20).
    @inline(__always)
    static func gain(decibels: Float) -> Float { exp2(decibels * 0.166_096_4) }  // log2(10)/20

    /// log2(x) for x > 0 (returns a very negative number for x ≤ 0).
    ///
    /// The exponent comes from the IEEE 754 bits; the mantissa m ∈ [1, 2) goes through
    /// log2(m) = 2·atanh(u)/ln 2 with u = (m − 1)/(m + 1), whose odd series converges fast (|u| ≤ 1/3;
    /// truncated after u²⁵, error below 1e-12).
    @inline(__always)
    static func log2(_ x: Double) -> Double {
        guard x > 0 else { return -1_000 }
        let bits = x.bitPattern
        let exponent = Int((bits >> 52) & 0x7FF) - 1023
        let m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)
        let u = (m - 1) / (m + 1)
        let u2 = u * u
        var series = 1.0 / 25
        series = 1.0 / 23 + u2 * series
        series = 1.0 / 21 + u2 * series
        series = 1.0 / 19 + u2 * series
        series = 1.0 / 17 + u2 * series
        series = 1.0 / 15 + u2 * series
        series = 1.0 / 13 + u2 * series
        series = 1.0 / 11 + u2 * series
        series = 1.0 / 9 + u2 * series
        series = 1.0 / 7 + u2 * series
        series = 1.0 / 5 + u2 * series
        series = 1.0 / 3 + u2 * series
        series = u * (1 + u2 * series)
        return Double(exponent) + series * 2.885_390_081_777_926_8  // 2 / ln 2
    }

    /// 10·log10(x), the decibel value of a power ratio.
    @inline(__always)
    static func powerDecibels(_ x: Double) -> Double { 3.010_299_956_639_812 * log2(x) }  // 10·log10(2)
}

extension FastMath {
    /// tan(x) in double precision for |x| ≤ π/2 − ε, by Taylor series of sin and cos to x²¹
    /// (truncation < 1e-15 at |x| = 1). Used only to design filters at initialisation.
    static func preciseTan(_ x: Double) -> Double {
        var sinSum = 0.0
        var cosSum = 0.0
        var term = 1.0  // x^n / n!
        for n in 0...22 {
            if n > 0 { term *= x / Double(n) }
            switch n % 4 {
            case 0: cosSum += term
            case 1: sinSum += term
            case 2: cosSum -= term
            default: sinSum -= term
            }
        }
        return sinSum / cosSum
    }

    /// 10^(x/10) in double precision via 2^(x·log2(10)/10) split into integer and fraction.
    static func powerRatio(decibels: Double) -> Double {
        let y = decibels * 0.332_192_809_488_736_2  // log2(10)/10
        let whole = y.rounded(.down)
        let l = (y - whole) * 0.693_147_180_559_945_3
        var sum = 1.0
        var term = 1.0
        for n in 1...18 {
            term *= l / Double(n)
            sum += term
        }
        return sum * Double(sign: .plus, exponent: Int(whole), significand: 1)
    }
}
