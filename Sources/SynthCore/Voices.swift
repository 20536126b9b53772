// SPDX-License-Identifier: Apache-2.0

/// Equal-tempered frequency of a MIDI note (A4 = 69 = 440 Hz).
@inline(__always)
func frequency(midiNote: Float) -> Float { 440 * FastMath.exp2((midiNote - 69) / 12) }

/// One pad note: two PolyBLEP saws detuned by ±cents (the classic string-machine chorus), panned
/// apart for width, under a slow one-pole envelope so chord changes cross-fade over seconds.
struct PadVoice: Sendable {
    var note: Int = -1
    private var sawLeft = PolyBLEPSaw(phase: 0)
    private var sawRight = PolyBLEPSaw(phase: 0.5)
    private var envelope = SlowEnvelope()

    var isIdle: Bool { note < 0 }
    var isReleasing: Bool { envelope.isReleasing }
    var level: Float { envelope.value }

    /// Starts `note` with an attack time constant; `immediately` skips the attack (first chord).
    mutating func start(note: Int, detuneCents: Float, level: Float, attackFrames: Float, sampleRate: Float, immediately: Bool) {
        self.note = note
        let hertz = frequency(midiNote: Float(note))
        sawLeft.setFrequency(hertz: hertz * FastMath.exp2(detuneCents / 1200), sampleRate: sampleRate)
        sawRight.setFrequency(hertz: hertz * FastMath.exp2(-detuneCents / 1200), sampleRate: sampleRate)
        envelope.start(level: level, attackFrames: attackFrames, immediately: immediately)
    }

    mutating func release(releaseFrames: Float) { envelope.release(releaseFrames: releaseFrames) }

    @inline(__always)
    mutating func next() -> (left: Float, right: Float) {
        let amplitude = envelope.next()
        if envelope.isReleasing && amplitude == 0 { note = -1 }
        let a = sawLeft.next() * amplitude
        let b = sawRight.next() * amplitude
        return (a * 0.8 + b * 0.2, a * 0.2 + b * 0.8)
    }
}

/// A sine with a slow one-pole envelope: the pad's bass, an octave or two under the chord.
struct BassVoice: Sendable {
    private var oscillator = ResonatorOscillator()
    private var envelope = SlowEnvelope()

    mutating func start(note: Int, level: Float, attackFrames: Float, sampleRate: Float, immediately: Bool) {
        oscillator.setFrequency(hertz: frequency(midiNote: Float(note)), sampleRate: sampleRate)
        envelope.start(level: level, attackFrames: attackFrames, immediately: immediately)
    }

    mutating func release(releaseFrames: Float) { envelope.release(releaseFrames: releaseFrames) }

    @inline(__always)
    mutating func next() -> Float { oscillator.next() * envelope.next() }
}

/// A one-pole envelope gliding toward its level with a time constant in frames: the seconds-long
/// swells and fades of pad and bass notes (exponential, as analogue envelope generators are).
struct SlowEnvelope: Sendable {
    private(set) var value: Float = 0
    private var target: Float = 0
    private var coefficient: Float = 0

    var isReleasing: Bool { target == 0 }

    mutating func start(level: Float, attackFrames: Float, immediately: Bool) {
        target = level
        coefficient = 1 / attackFrames
        if immediately { value = level }
    }

    mutating func release(releaseFrames: Float) {
        target = 0
        coefficient = 1 / releaseFrames
    }

    @inline(__always)
    mutating func next() -> Float {
        if target == 0 && value < 1e-3 {
            // The exponential tail below −60 dB would last many seconds and keep a silent voice
            // busy; finish it with a short linear ramp instead (continuous, so no click).
            value = max(0, value - 1e-3 * coefficient * 4)
            return value
        }
        value += (target - value) * coefficient
        return value
    }
}

/// A struck envelope: a short *linear* rise from wherever it is to the peak, then exponential decay.
///
/// Rising from the current value (not from zero) keeps every restrike continuous, and a 3 ms
/// linear attack is fast enough to be heard as a clear onset yet far too slow to click.
struct StrikeEnvelope: Sendable {
    private(set) var value: Float = 0
    private var step: Float = 0
    private var attackRemaining = 0
    private var decay: Float = 1

    mutating func strike(peak: Float, attackFrames: Int, decayFrames: Float) {
        attackRemaining = max(1, attackFrames)
        step = (peak - value) / Float(attackRemaining)
        // e^(−1/τ) per frame, τ in frames.
        decay = FastMath.exp2(-1.442_695 / decayFrames)
    }

    @inline(__always)
    mutating func next() -> Float {
        if attackRemaining > 0 {
            value += step
            attackRemaining -= 1
        } else {
            value *= decay
        }
        return value
    }
}

/// The beat pulse: a soft mallet (fundamental plus a fast-fading 4th partial, as on a marimba bar)
/// over a low heartbeat-like thump, struck on every beat so the tempo is felt, not counted.
struct PulseVoice: Sendable {
    private var body = ResonatorOscillator()
    private var partial = ResonatorOscillator()
    private var thump = ResonatorOscillator()
    private var bodyEnvelope = StrikeEnvelope()
    private var partialEnvelope = StrikeEnvelope()
    private var thumpEnvelope = StrikeEnvelope()

    mutating func strike(note: Int, accent: Float, sampleRate: Float) {
        let hertz = frequency(midiNote: Float(note))
        body.setFrequency(hertz: hertz, sampleRate: sampleRate)
        partial.setFrequency(hertz: hertz * 3.93, sampleRate: sampleRate)
        thump.setFrequency(hertz: 58, sampleRate: sampleRate)
        let attack = Int(0.003 * sampleRate)
        bodyEnvelope.strike(peak: accent * 0.7, attackFrames: attack, decayFrames: 0.32 * sampleRate)
        partialEnvelope.strike(peak: accent * 0.22, attackFrames: attack, decayFrames: 0.045 * sampleRate)
        thumpEnvelope.strike(peak: accent * 0.4, attackFrames: attack, decayFrames: 0.11 * sampleRate)
    }

    @inline(__always)
    mutating func next() -> Float {
        body.next() * bodyEnvelope.next() + partial.next() * partialEnvelope.next() + thump.next() * thumpEnvelope.next()
    }
}

/// A melody note: two-operator FM (Chowning 1973) at a 1:1 ratio whose modulation index decays with
/// the note, so it starts glassy and settles into a near-sine, like a soft electric piano or bell.
struct BellVoice: Sendable {
    private var carrier = SineOscillator()  // a phase accumulator: FM needs the phase itself
    private var modulator = ResonatorOscillator()
    private var envelope = StrikeEnvelope()
    private var index = StrikeEnvelope()
    private(set) var pan: Float = 0.5

    var level: Float { envelope.value }

    mutating func strike(note: Int, velocity: Float, pan: Float, sampleRate: Float) {
        let hertz = frequency(midiNote: Float(note))
        carrier.setFrequency(hertz: hertz, sampleRate: sampleRate)
        modulator.setFrequency(hertz: hertz, sampleRate: sampleRate)
        envelope.strike(peak: velocity, attackFrames: Int(0.008 * sampleRate), decayFrames: 1.3 * sampleRate)
        index.strike(peak: 0.16 * velocity, attackFrames: Int(0.008 * sampleRate), decayFrames: 0.35 * sampleRate)
        self.pan = pan
    }

    @inline(__always)
    mutating func next() -> Float {
        let amplitude = envelope.next()
        // A silent voice skips its oscillators; its phase does not matter until the next strike.
        guard amplitude > 3e-4 else { return 0 }  // −70 dB: inaudible under the mix
        let modulation = index.next() * modulator.next()
        let value = FastMath.sinTurns(carrier.phase + modulation) * amplitude
        carrier.advance()
        return value
    }
}
