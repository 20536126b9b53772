// SPDX-License-Identifier: Apache-2.0

/// Topology-preserving state-variable filter (Andrew Simper, "Linear Trapezoidal Integrated SVF",
/// Cytomic technical paper, 2013): stable under fast cutoff modulation, which the swell needs.
struct StateVariableFilter: Sendable {
    private var ic1: Float = 0
    private var ic2: Float = 0
    private var a1: Float = 1
    private var a2: Float = 0
    private var a3: Float = 0

    /// Sets cutoff (as a fraction of the sample rate, clamped below 0.45) and Q.
    @inline(__always)
    mutating func set(cutoffRatio: Float, q: Float) {
        let g = FastMath.tanHalfTurns(min(max(cutoffRatio, 1e-5), 0.45))
        let k = 1 / q
        a1 = 1 / (1 + g * (g + k))
        a2 = g * a1
        a3 = g * a2
    }

    /// Processes one sample; returns (low-pass, band-pass).
    @inline(__always)
    mutating func process(_ input: Float) -> (low: Float, band: Float) {
        let v3 = input - ic2
        let v1 = a1 * ic1 + a2 * v3
        let v2 = ic2 + a2 * ic1 + a3 * v3
        ic1 = 2 * v1 - ic1
        ic2 = 2 * v2 - ic2
        return (v2, v1)
    }
}

/// Two state-variable filters side by side, one per channel (Simper's linear trapezoidal SVF, see
/// `StateVariableFilter`): the pad's left and right filters run at slightly different cutoffs.
struct StereoStateVariableFilter: Sendable {
    private var ic1 = SIMD2<Float>.zero
    private var ic2 = SIMD2<Float>.zero
    private var a1 = SIMD2<Float>(repeating: 1)
    private var a2 = SIMD2<Float>.zero
    private var a3 = SIMD2<Float>.zero

    /// The pre-warped cutoffs g = tan(π·fc/fs) of each channel's cutoff (a fraction of the sample
    /// rate, clamped below 0.45), computed once for filters that share them.
    static func prewarp(cutoffRatioLeft: Float, right cutoffRatioRight: Float) -> SIMD2<Float> {
        SIMD2(
            FastMath.tanHalfTurns(min(max(cutoffRatioLeft, 1e-5), 0.45)),
            FastMath.tanHalfTurns(min(max(cutoffRatioRight, 1e-5), 0.45)))
    }

    /// Sets each channel's pre-warped cutoff (see `prewarp`) and a shared Q.
    mutating func set(prewarped g: SIMD2<Float>, q: Float) {
        let k = 1 / q
        a1 = 1 / (1 + g * (g + k))
        a2 = g * a1
        a3 = g * a2
    }

    /// Processes one stereo sample; returns the low-pass outputs.
    @inline(__always)
    mutating func lowPass(_ input: SIMD2<Float>) -> SIMD2<Float> {
        let v3 = input - ic2
        let v1 = a1 * ic1 + a2 * v3
        let v2 = ic2 + a2 * ic1 + a3 * v3
        ic1 = 2 * v1 - ic1
        ic2 = 2 * v2 - ic2
        return v2
    }
}
