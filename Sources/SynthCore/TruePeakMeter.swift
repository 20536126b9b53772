// SPDX-License-Identifier: Apache-2.0

/// Maximum true-peak level of a stereo signal by 4× oversampling, after ITU-R BS.1770-4 Annex 2.
///
/// The interpolator is a 48-tap windowed-sinc (4 phases × 12 taps, the same size as the Annex 2
/// example filter) designed here, not copied: phase 0 reproduces the input samples exactly, phases
/// 1–3 estimate the signal a quarter, half and three quarters of a sample later. Input is float, so
/// the Annex's 12.04 dB headroom attenuation for fixed point is not needed.
public struct TruePeakMeter: Sendable {
    static let tapsPerPhase = 12
    private var taps = InlineArray<48, Float>(repeating: 0)
    private var historyLeft = InlineArray<12, Float>(repeating: 0)
    private var historyRight = InlineArray<12, Float>(repeating: 0)
    private var cursor = 0
    /// Largest absolute interpolated value seen so far (linear).
    public private(set) var peak: Float = 0

    public init() {
        for phase in 0..<4 {
            var sum: Float = 0
            for k in 0..<Self.tapsPerPhase {
                // Offset of tap k from the interpolation instant, in input samples.
                let t = Double(k - 6) + Double(phase) / 4
                let sinc = t == 0 ? 1.0 : FastMath.sinDouble(Double.pi * t) / (Double.pi * t)
                let windowArgument = Double.pi * t / 13  // Hann window cos² spanning ±6.5 samples
                let window = FastMath.sinDouble(windowArgument + Double.pi / 2)
                taps[phase * Self.tapsPerPhase + k] = Float(sinc * window * window)
                sum += taps[phase * Self.tapsPerPhase + k]
            }
            // Unity gain at DC for every phase, so steady levels read the same between samples.
            for k in 0..<Self.tapsPerPhase { taps[phase * Self.tapsPerPhase + k] /= sum }
        }
    }

    /// Adds one stereo frame.
    @inline(__always)
    public mutating func process(left: Float, right: Float) {
        historyLeft[cursor] = left
        historyRight[cursor] = right
        cursor = (cursor + 1) % Self.tapsPerPhase
        for phase in 0..<4 {
            var sumLeft: Float = 0
            var sumRight: Float = 0
            for k in 0..<Self.tapsPerPhase {
                // k = 0 is the newest sample; tap k weights x[n − k] at instant n − 6 + phase/4.
                let index = (cursor + Self.tapsPerPhase - 1 - k) % Self.tapsPerPhase
                let tap = taps[phase * Self.tapsPerPhase + k]
                sumLeft += tap * historyLeft[index]
                sumRight += tap * historyRight[index]
            }
            peak = max(peak, abs(sumLeft), abs(sumRight))
        }
    }

    /// Adds interleaved stereo frames.
    public mutating func process(interleaved samples: UnsafeBufferPointer<Float>) {
        var index = 0
        while index + 1 < samples.count {
            process(left: samples[index], right: samples[index + 1])
            index += 2
        }
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
