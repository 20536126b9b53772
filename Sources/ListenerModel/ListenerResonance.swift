// SPDX-License-Identifier: Apache-2.0
// sqrt, atan2, exp come from the C library; nothing else of it is used (no I/O, no clock, no Foundation).
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The simulated listener's own baroreflex resonance: how respiratory sinus arrhythmia (RSA) depends
/// on the breathing rate when they breathe with a pacer. A test model for the resonance-frequency
/// assessment; its shape follows the published account, its numbers are chosen, not measured.
///
/// The model (Vaschillo, Lehrer, Rishe & Konstantinov 2002, "Heart rate variability biofeedback as a
/// method for assessing baroreflex function: a preliminary study of resonance in the cardiovascular
/// system", Appl Psychophysiol Biofeedback 27(1):1-27; Vaschillo, Vaschillo & Lehrer 2006,
/// "Characteristics of resonance in heart rate variability stimulated by biofeedback", Appl
/// Psychophysiol Biofeedback 31(2):129-142; Lehrer, Vaschillo & Vaschillo 2000, "Resonant frequency
/// biofeedback training to increase cardiac variability", Appl Psychophysiol Biofeedback 25(3):177-191):
/// breathing drives heart rate two ways, directly (central vagal gating, the RSA of fast breathing)
/// and through the baroreflex loop, whose delay makes it a resonant system near 0.1 Hz. Here the
/// loop is a damped second-order resonator at `breathsPerMinute` (r = rate / resonance):
///
///     R(r) = 2ζ / sqrt((1 - r²)² + (2ζ r)²)      (≈ 1 at r = 1)
///     gain(rate) = lowPass(rate) · (1 + A · R(r)) / (1 + A · R(15 / resonance))
///
/// so RSA is `amplification + 1` times larger at resonance than the direct path alone, normalised to
/// the profile's RSA at 15/min (`lowPass` is `SimulatedListener`'s slow decline with rate, Hirsch &
/// Bishop 1981). Heart rate leads breathing below the resonance, lags above it, and is in phase at it
/// (Vaschillo et al. 2002, fig. 5; Lehrer et al. 2000): phase(r) = 90° - atan2(2ζ r, 1 - r²).
///
/// Noise on top (Shaffer & Meehan 2020's list of what blurs the choice): the profile's white beat
/// jitter and Mayer wave (`SimulatedListener`), and breath-to-breath variation of depth (each breath's
/// RSA scaled by 1 + `depthVariation` · N(0, 1), at least 0.3).
///
/// Pacing: a listener with a resonance has been asked to breathe with the swell, so any audible swell
/// within `reachBreathsPerMinute` is followed: the rate moves to it with a `pacedTimeConstantSeconds`
/// time constant and the breath's phase is pulled toward the swell's (`phaseCoupling` of the
/// difference per beat), as a person following a pacer does within a breath or two.
public struct ListenerResonance: Sendable, Equatable {
    /// Where the baroreflex resonates: the rate at which heart rate and breathing are in phase.
    public var breathsPerMinute: Double
    /// Damping ratio ζ of the resonator (0.15: the amplitude falls by about a quarter 1.5/min away).
    public var damping: Double
    /// A: the baroreflex path's gain at resonance over the direct path's.
    public var amplification: Double
    /// Standard deviation of each breath's depth, as a fraction of the mean.
    public var depthVariation: Double
    /// Paced breathing rates the listener can follow when asked.
    public var reachBreathsPerMinute: ClosedRange<Double>
    public var pacedTimeConstantSeconds: Double
    public var phaseCoupling: Double

    public init(
        breathsPerMinute: Double, damping: Double = 0.15, amplification: Double = 2.5, depthVariation: Double = 0.15,
        reachBreathsPerMinute: ClosedRange<Double> = 3...20, pacedTimeConstantSeconds: Double = 5,
        phaseCoupling: Double = 0.3
    ) {
        self.breathsPerMinute = breathsPerMinute
        self.damping = damping
        self.amplification = amplification
        self.depthVariation = depthVariation
        self.reachBreathsPerMinute = reachBreathsPerMinute
        self.pacedTimeConstantSeconds = pacedTimeConstantSeconds
        self.phaseCoupling = phaseCoupling
    }

    /// A resonance drawn from `seed`, uniform over 4.5-6.5/min (the adult range, Lehrer et al. 2000;
    /// Shaffer & Meehan 2020).
    public static func seeded(_ seed: UInt64) -> ListenerResonance {
        var random = SplitMix64(seed: seed ^ 0x5E50_0A4C_E000_0001)
        return ListenerResonance(breathsPerMinute: 4.5 + 2 * random.nextUnit())
    }

    /// R(r): the resonator's normalised amplitude response.
    func resonator(_ breathsPerMinute: Double) -> Double {
        let r = breathsPerMinute / self.breathsPerMinute
        let a = 1 - r * r
        let b = 2 * damping * r
        return 2 * damping / (a * a + b * b).squareRoot()
    }

    /// RSA gain against breathing at 15/min.
    public func rsaGain(breathsPerMinute: Double) -> Double {
        let lowPass = (2 / (1 + (breathsPerMinute / 15) * (breathsPerMinute / 15))).squareRoot()
        return lowPass * (1 + amplification * resonator(breathsPerMinute))
            / (1 + amplification * resonator(15))
    }

    /// Phase of heart rate against breathing, degrees: positive when heart rate leads.
    public func phaseDegrees(breathsPerMinute: Double) -> Double {
        let r = breathsPerMinute / self.breathsPerMinute
        return 90 - atan2(2 * damping * r, 1 - r * r) * 180 / Double.pi
    }
}
