// SPDX-License-Identifier: Apache-2.0

/// A band-limited sawtooth: naive ramp minus a polynomial BLEP at each wrap.
///
/// PolyBLEP (Välimäki & Huovilainen, "Antialiasing Oscillators in Subtractive Synthesis", IEEE
/// Signal Processing Magazine 2007) removes most aliasing for two multiplies, which keeps the upper
/// pad partials from folding back as inharmonic fizz.
struct PolyBLEPSaw: Sendable {
    var phase: Float
    var increment: Float = 0
    var inverseIncrement: Float = 1

    init(phase: Float) { self.phase = phase }

    @inline(__always)
    mutating func setFrequency(hertz: Float, sampleRate: Float) {
        increment = min(hertz / sampleRate, 0.45)
        inverseIncrement = 1 / max(increment, 1e-7)
    }

    @inline(__always)
    mutating func next() -> Float {
        let t = phase
        var value = 2 * t - 1
        if t < increment {
            let x = t * inverseIncrement
            value -= x + x - x * x - 1
        } else if t > 1 - increment {
            let x = (t - 1) * inverseIncrement
            value -= x * x + x + x + 1
        }
        phase += increment
        if phase >= 1 { phase -= 1 }
        return value
    }
}

/// A sine oscillator on a phase accumulator in turns; changing frequency never jumps the phase.
struct SineOscillator: Sendable {
    var phase: Float = 0
    var increment: Float = 0

    @inline(__always)
    mutating func setFrequency(hertz: Float, sampleRate: Float) { increment = hertz / sampleRate }

    @inline(__always)
    mutating func next() -> Float {
        let value = FastMath.sinTurns(phase)
        advance()
        return value
    }

    @inline(__always)
    mutating func advance() {
        phase += increment
        if phase >= 1 { phase -= 1 }
    }
}

/// A sine by the two-pole recursion sin θₙ₊₁ = 2·cos ω·sin θₙ − sin θₙ₋₁ (the "digital resonator",
/// Smith, *Physical Audio Signal Processing*, "Digital Sinusoid Generators"): one multiply and one
/// subtract per sample instead of a polynomial. State is double precision, so the amplitude stays at
/// 1 for hours. Retuning keeps value *and* slope continuous: the current phase's cosine is recovered
/// from the two state samples and the previous sample is recomputed for the new frequency.
struct ResonatorOscillator: Sendable {
    private var current = 0.0  // sin θₙ
    private var previous = 0.0  // sin θₙ₋₁
    private var twiceCos = 2.0
    private var cosW = 1.0
    private var sinW = 0.0

    @inline(__always)
    mutating func setFrequency(hertz: Float, sampleRate: Float) {
        let turns = hertz / sampleRate
        let newSin = Double(FastMath.sinTurns(turns))
        let newCos = Double(FastMath.sinTurns(turns + 0.25))
        // cos θₙ from sin θₙ and sin θₙ₋₁ = sin θₙ·cos ω − cos θₙ·sin ω.
        let cosTheta = sinW > 1e-9 ? (current * cosW - previous) / sinW : 1
        previous = current * newCos - cosTheta * newSin
        cosW = newCos
        sinW = newSin
        twiceCos = 2 * newCos
    }

    @inline(__always)
    mutating func next() -> Float {
        let value = current
        let following = twiceCos * current - previous
        previous = current
        current = following
        return Float(value)
    }
}

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
