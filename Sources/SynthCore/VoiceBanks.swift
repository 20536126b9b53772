// SPDX-License-Identifier: Apache-2.0

// Voices of one kind, processed together as lanes of a SIMD vector.
//
// Why: rendering ten minutes must take at most 3 s of one core (issue 4), and the per-voice scalar
// loops spent most of it on data-dependent branches (PolyBLEP corrections, envelope stages, silent-voice
// checks) and on bounds-checked element access. Eight lanes of a vector cost about what one scalar
// voice did, so every lane runs every frame (an idle lane simply has zero amplitude) and each
// branch becomes a lane-wise select. The algorithms are the scalar ones, lane by lane: PolyBLEP
// saws (Välimäki & Huovilainen 2007), the two-pole resonator (Smith, *Physical Audio Signal
// Processing*, "Digital Sinusoid Generators"), one-pole and struck envelopes, FM bells (Chowning 1973).

/// Equal-tempered frequency of a MIDI note (A4 = 69 = 440 Hz).
@inline(__always)
func frequency(midiNote: Float) -> Float { 440 * FastMath.exp2((midiNote - 69) / 12) }

/// Envelopes, one per lane, of two kinds. Struck: a short linear rise from wherever the lane is to
/// the peak, then exponential decay to silence; rising from the current value keeps every restrike
/// continuous, and a millisecond-scale linear attack is heard as a clear onset yet is far too slow to
/// click. Gliding: an exponential approach to a held level (a one-pole, as analogue envelope
/// generators are), for notes that swell and fade over seconds.
///
/// Every lane runs the same step, value ← (value − sustain)·decay + sustain + step, with the stage
/// in its coefficients (attack: decay 1, a rising step; decay: no step). The switch from attack to
/// decay happens at a control-block boundary, so an attack lasts from its strike to the first block
/// boundary at least `attackFrames` later (up to 31 frames, 0.65 ms at 48 kHz, longer), which keeps
/// the per-frame step free of comparisons.
struct StrikeEnvelopeBank: Sendable {
    private(set) var value = SIMD8<Float>.zero
    private var step = SIMD8<Float>.zero
    /// The level each lane decays toward: 0 once struck, the held level while gliding.
    private var sustain = SIMD8<Float>.zero
    private var decay = SIMD8<Float>(repeating: 1)
    private var decayAfterAttack = SIMD8<Float>(repeating: 1)
    private var peaks = SIMD8<Float>.zero
    /// Frames of attack left after the current control block (a multiple of the block), −1 when the
    /// lane is not attacking.
    private var attackAfterBlock = SIMD8<Float>(repeating: -1)

    /// Strikes `lane`; `framesLeftInBlock` counts the strike's own frame to the end of its control block.
    @inline(__always)
    mutating func strike(lane: Int, peak: Float, attackFrames: Int, decayFrames: Float, framesLeftInBlock: Int) {
        let block = Renderer.controlBlockFrames
        let laterBlocks = (max(0, max(1, attackFrames) - framesLeftInBlock) + block - 1) / block
        let frames = Float(framesLeftInBlock + laterBlocks * block)
        attackAfterBlock[lane] = Float(laterBlocks * block)
        step[lane] = (peak - value[lane]) / frames
        peaks[lane] = peak
        sustain[lane] = 0
        decay[lane] = 1
        // e^(−1/τ) per frame, τ in frames.
        decayAfterAttack[lane] = FastMath.exp2(-1.442_695 / decayFrames)
    }

    /// Glides `lane` toward `level` with a time constant of `frames` (at once if `immediately`).
    @inline(__always)
    mutating func glide(lane: Int, toward level: Float, frames: Float, immediately: Bool = false) {
        attackAfterBlock[lane] = -1
        step[lane] = 0
        sustain[lane] = level
        decay[lane] = 1 - 1 / frames
        if immediately { value[lane] = level }
    }

    /// Whether every lane is below −90 dB and none is attacking: then the voices are inaudible and
    /// their owner may skip them.
    @inline(__always)
    var isSilent: Bool {
        var loudest: Float = 0
        for lane in value.indices { loudest = max(loudest, max(value[lane], attackAfterBlock[lane] + 1)) }
        return loudest < 3e-5
    }

    @inline(__always)
    mutating func next() -> SIMD8<Float> {
        value = (value - sustain) * decay + sustain + step
        return value
    }

    /// At each control-block boundary: attacks that end here land exactly on their peak and start to
    /// decay; decays that have fallen below −240 dB end (left alone they would reach the denormal
    /// range after a couple of silent minutes, where x86 arithmetic is a hundred times slower).
    @inline(__always)
    mutating func controlBlock() {
        let ending = attackAfterBlock .== 0
        value = value.replacing(with: peaks, where: ending)
        step = step.replacing(with: 0, where: ending)
        decay = decay.replacing(with: decayAfterAttack, where: ending)
        attackAfterBlock = SIMDMath.maximum(attackAfterBlock - Float(Renderer.controlBlockFrames), SIMD8(repeating: -1))
        value = value.replacing(with: 0, where: (value .< 1e-12) .& (attackAfterBlock .< 0) .& (sustain .== 0))
    }
}

/// Sines by the two-pole recursion sin θₙ₊₁ = 2·cos ω·sin θₙ − sin θₙ₋₁, one per lane: a multiply
/// and a subtract per sample instead of a polynomial.
///
/// Single precision drifts in amplitude by rounding (worst for low notes, about 1e-5 per period at
/// 58 Hz), so every retune also renormalises the lane to unit amplitude at its current phase; lanes
/// are retuned on every strike, so the drift never accumulates past one note. Retuning keeps value
/// and slope continuous: the phase's cosine is recovered from the two state samples and the previous
/// sample recomputed for the new frequency.
struct ResonatorBank: Sendable {
    private var current = SIMD8<Float>.zero  // sin θₙ
    private var previous = SIMD8<Float>.zero  // sin θₙ₋₁
    private var twiceCos = SIMD8<Float>(repeating: 2)
    private var cosW = SIMD8<Float>(repeating: 1)
    private var sinW = SIMD8<Float>.zero

    @inline(__always)
    mutating func setFrequency(lane: Int, hertz: Float, sampleRate: Float) {
        let turns = hertz / sampleRate
        let newSin = FastMath.sinTurns(turns)
        let newCos = FastMath.sinTurns(turns + 0.25)
        var sinTheta = current[lane]
        // cos θₙ from sin θₙ and sin θₙ₋₁ = sin θₙ·cos ω − cos θₙ·sin ω.
        var cosTheta: Float = sinW[lane] > 1e-9 ? (sinTheta * cosW[lane] - previous[lane]) / sinW[lane] : 1
        // 1/radius by Newton's iteration for the inverse square root from 1: the radius stays within
        // a fraction of a percent of 1, where three steps are exact to rounding (and the library sqrt
        // is a call the @_noLocks check cannot see into).
        let squaredRadius = sinTheta * sinTheta + cosTheta * cosTheta
        if squaredRadius > 0.25 && squaredRadius < 4 {
            var inverse: Float = 1
            for _ in 0..<3 { inverse *= 1.5 - 0.5 * squaredRadius * inverse * inverse }
            sinTheta *= inverse
            cosTheta *= inverse
        } else {
            sinTheta = 0
            cosTheta = 1
        }
        current[lane] = sinTheta
        previous[lane] = sinTheta * newCos - cosTheta * newSin
        cosW[lane] = newCos
        sinW[lane] = newSin
        twiceCos[lane] = 2 * newCos
    }

    @inline(__always)
    mutating func next() -> SIMD8<Float> {
        let value = current
        let following = twiceCos * current - previous
        previous = current
        current = following
        return value
    }
}

/// The pad: eight notes of two PolyBLEP saws each, detuned by ±cents (the classic string-machine
/// chorus) and panned apart for width, under slow one-pole envelopes so chord changes cross-fade
/// over seconds. Lanes 0–7 of the saw vectors are each voice's upper saw, lanes 8–15 its lower one.
///
/// Eight voices hold a sounding four-note chord and the four notes of the last one fading out; a
/// third chord arriving before those have faded (a one-bar chord at a fast tempo) takes over the
/// quietest, which by then are about 15 dB down and rise again from where they are.
struct PadBank: Sendable {
    static let voiceCount = 8

    private var phase = SIMD16<Float>(lowHalf: .zero, highHalf: SIMD8(repeating: 0.5))
    private var increment = SIMD16<Float>.zero
    private var inverseIncrement = SIMD16<Float>(repeating: 1)
    /// Envelope values: a one-pole glide toward `targets`, finished by a short linear ramp once released.
    /// The envelopes move over seconds, so they are computed at control rate, exactly at each block
    /// boundary, and followed in straight 0.67 ms segments in between (attacks and releases take seconds).
    private(set) var levels = SIMD8<Float>.zero
    private var levelSteps = SIMD8<Float>.zero
    private var blockEndLevels = SIMD8<Float>.zero
    private var targets = SIMD8<Float>.zero
    /// The one-pole's coefficient per frame, and (1 − coefficient)^frames over a control block.
    private var coefficients = SIMD8<Float>.zero
    private var blockDecays = SIMD8<Float>(repeating: 1)
    /// MIDI note per voice, −1 when idle.
    private(set) var notes = SIMD8<Int32>(repeating: -1)

    func isIdle(_ voice: Int) -> Bool { notes[voice] < 0 }
    func isReleasing(_ voice: Int) -> Bool { targets[voice] == 0 }

    /// Starts `note` on `voice` with an attack time constant; `immediately` skips the attack.
    mutating func start(
        voice: Int, note: Int, detuneCents: Float, level: Float, attackFrames: Float, sampleRate: Float,
        immediately: Bool
    ) {
        notes[voice] = Int32(note)
        let hertz = frequency(midiNote: Float(note))
        setSaw(lane: voice, hertz: hertz * FastMath.exp2(detuneCents / 1200), sampleRate: sampleRate)
        setSaw(lane: voice + Self.voiceCount, hertz: hertz * FastMath.exp2(-detuneCents / 1200), sampleRate: sampleRate)
        targets[voice] = level
        setCoefficient(voice: voice, frames: attackFrames)
        if immediately {
            levels[voice] = level
            blockEndLevels[voice] = level
            levelSteps[voice] = 0
        }
    }

    mutating func release(voice: Int, releaseFrames: Float) {
        targets[voice] = 0
        setCoefficient(voice: voice, frames: releaseFrames)
    }

    /// A time constant of `frames`: the per-frame coefficient, and its decay over a block by squaring.
    private mutating func setCoefficient(voice: Int, frames: Float) {
        coefficients[voice] = 1 / frames
        var decay = 1 - 1 / frames
        var blockFrames = 1
        while blockFrames < Renderer.controlBlockFrames {
            decay *= decay
            blockFrames *= 2
        }
        blockDecays[voice] = decay
    }

    private mutating func setSaw(lane: Int, hertz: Float, sampleRate: Float) {
        let turns = min(hertz / sampleRate, 0.45)
        increment[lane] = turns
        inverseIncrement[lane] = 1 / max(turns, 1e-7)
    }

    /// At each control-block boundary: lands every envelope exactly where the block was heading,
    /// plans the next block's straight line, and marks released voices that have reached silence as
    /// idle (an idle voice only matters when the next chord looks for a free one). A change of
    /// target inside a block starts to move at the next boundary.
    mutating func controlBlock() {
        levels = blockEndLevels
        let blockFrames = Float(Renderer.controlBlockFrames)
        // A released voice below 1e-3 finishes with a short linear ramp, since the exponential tail
        // below −60 dB would last many seconds.
        let glide = targets + (levels - targets) * blockDecays
        let tail = SIMDMath.maximum(levels - (4e-3 * blockFrames) * coefficients, .zero)
        blockEndLevels = glide.replacing(with: tail, where: (targets .== 0) .& (levels .< 1e-3))
        levelSteps = (blockEndLevels - levels) * (1 / blockFrames)
        notes = notes.replacing(with: -1, where: (targets .== 0) .& (levels .== 0))
    }

    /// One stereo frame of the summed pad.
    @inline(__always)
    mutating func next() -> (left: Float, right: Float) {
        levels += levelSteps

        // PolyBLEP saws: the naive ramp plus a polynomial step correction within one sample of the wrap.
        // With x = t/increment just after the wrap, the correction is (1 − x)², and with y = (t − 1)/increment
        // just before it, −(1 + y)²; clamping x to 1 and y to −1 makes both vanish elsewhere without a branch.
        let t = phase
        let scaled = t * inverseIncrement
        let afterWrap = 1 - SIMDMath.minimum(scaled, SIMD16(repeating: 1))
        let beforeWrap = 1 + SIMDMath.maximum(scaled - inverseIncrement, SIMD16(repeating: -1))
        let saw = 2 * t - 1 + afterWrap * afterWrap - beforeWrap * beforeWrap
        phase += increment
        phase -= SIMD16(repeating: 1).replacing(with: 0, where: phase .< 1)

        let upper = SIMDMath.sum(saw.lowHalf * levels)
        let lower = SIMDMath.sum(saw.highHalf * levels)
        return (upper * 0.8 + lower * 0.2, upper * 0.2 + lower * 0.8)
    }
}

/// The beat pulse and the bass, as resonator sines under envelopes, side by side.
///
/// Lanes 0–5 are the pulse: two alternating voices, each a soft mallet (fundamental plus a
/// fast-fading 4th partial, as on a marimba bar) over a low heartbeat-like thump, struck on every
/// beat so the tempo is felt, not counted; lanes 3v, 3v+1, 3v+2 are voice v's body, partial and
/// thump. Lanes 6 and 7 are the bass, an octave or two under the chord: one sounding, the other
/// fading out after a chord change, each gliding over seconds.
struct PulseAndBassBank: Sendable {
    private var oscillators = ResonatorBank()
    private var envelopes = StrikeEnvelopeBank()
    private var nextPulse = 0
    private var currentBass = 6

    /// Strikes the next pulse voice: body, partial and thump as the palette voices them.
    mutating func strike(
        note: Int, accent: Float, voicing v: borrowing Palette.Voicing, sampleRate: Float, framesLeftInBlock: Int
    ) {
        let lane = 3 * nextPulse
        nextPulse ^= 1
        let hertz = frequency(midiNote: Float(note))
        oscillators.setFrequency(lane: lane, hertz: hertz, sampleRate: sampleRate)
        oscillators.setFrequency(lane: lane + 1, hertz: hertz * v.pulsePartialRatio, sampleRate: sampleRate)
        oscillators.setFrequency(lane: lane + 2, hertz: v.pulseThumpHertz, sampleRate: sampleRate)
        let attack = Int(0.003 * sampleRate)
        envelopes.strike(
            lane: lane, peak: accent * v.pulseBodyLevel, attackFrames: attack,
            decayFrames: v.pulseBodyDecaySeconds * sampleRate, framesLeftInBlock: framesLeftInBlock)
        envelopes.strike(
            lane: lane + 1, peak: accent * v.pulsePartialLevel, attackFrames: attack,
            decayFrames: v.pulsePartialDecaySeconds * sampleRate, framesLeftInBlock: framesLeftInBlock)
        envelopes.strike(
            lane: lane + 2, peak: accent * v.pulseThumpLevel, attackFrames: attack,
            decayFrames: v.pulseThumpDecaySeconds * sampleRate, framesLeftInBlock: framesLeftInBlock)
    }

    /// Fades the sounding bass note out and the next one in (`immediately`: the first chord).
    mutating func changeBass(
        note: Int, level: Float, attackFrames: Float, releaseFrames: Float, sampleRate: Float, immediately: Bool
    ) {
        envelopes.glide(lane: currentBass, toward: 0, frames: releaseFrames)
        currentBass = currentBass == 6 ? 7 : 6
        oscillators.setFrequency(lane: currentBass, hertz: frequency(midiNote: Float(note)), sampleRate: sampleRate)
        envelopes.glide(lane: currentBass, toward: level, frames: attackFrames, immediately: immediately)
    }

    mutating func controlBlock() { envelopes.controlBlock() }

    /// The pulse (both voices at half weight) and the bass.
    @inline(__always)
    mutating func next() -> (pulse: Float, bass: Float) {
        let voices = oscillators.next() * envelopes.next()
        let upper = voices.highHalf
        return ((SIMDMath.sum(voices.lowHalf) + upper.x + upper.y) * 0.5, upper.z + upper.w)
    }
}

/// The melody's bells, eight voices: two-operator FM at a 1:1 ratio whose modulation index decays
/// with the note, so it starts glassy and settles into a near-sine, like a soft electric piano or bell.
///
/// Phase modulation (Chowning 1973) is sin(c + m) for carrier phase c and modulation m, which is
/// sin c·cos m + cos c·sin m: the carrier runs as a rotating (sin c, cos c) pair, two multiply-adds
/// per lane, and only the small modulation (|m| ≤ 1 radian) goes through short odd and even Taylor
/// series; no phase wrap, no range folding. The melody rests between phrases; once every voice has
/// died away the bank is skipped.
struct BellBank: Sendable {
    static let voiceCount = 8
    /// The default palette's peak modulation index at full velocity, in turns (0.16: bright but not
    /// metallic). Palettes go up to 0.25 turns (1.57 rad), where the series in `next()` still err by
    /// under 2e-4.
    static let defaultIndexTurns: Float = 0.16

    /// The carrier as a unit phasor per lane, advanced each frame by the rotation (cos ω, sin ω).
    private var carrierSin = SIMD8<Float>.zero
    private var carrierCos = SIMD8<Float>(repeating: 1)
    private var rotationCos = SIMD8<Float>(repeating: 1)
    private var rotationSin = SIMD8<Float>.zero
    private var modulator = ResonatorBank()
    private var envelope = StrikeEnvelopeBank()
    private var index = StrikeEnvelopeBank()
    /// Share of each voice in the right channel (0 = left, 1 = right).
    private var pans = SIMD8<Float>(repeating: 0.5)
    private var isSilent = true

    func level(_ voice: Int) -> Float { envelope.value[voice] }

    /// The voice for a new note: the quietest (with 1.3 s decays a stolen voice is nearly silent, and
    /// it rises again from where it is).
    func voiceForNextNote() -> Int {
        var quietest = 0
        for voice in 1..<Self.voiceCount where level(voice) < level(quietest) { quietest = voice }
        return quietest
    }

    mutating func strike(
        voice: Int, note: Int, velocity: Float, pan: Float, voicing v: borrowing Palette.Voicing, sampleRate: Float,
        framesLeftInBlock: Int
    ) {
        let hertz = frequency(midiNote: Float(note))
        // Retuning only changes the rotation, so the carrier's phase runs on unbroken.
        let turns = hertz / sampleRate
        rotationSin[voice] = FastMath.sinTurns(turns)
        rotationCos[voice] = FastMath.sinTurns(turns + 0.25)
        modulator.setFrequency(lane: voice, hertz: hertz * v.melodyRatio, sampleRate: sampleRate)
        let attack = Int(v.melodyAttackSeconds * sampleRate)
        envelope.strike(
            lane: voice, peak: velocity, attackFrames: attack, decayFrames: v.melodyDecaySeconds * sampleRate,
            framesLeftInBlock: framesLeftInBlock)
        index.strike(
            lane: voice, peak: v.melodyIndexTurns * 2 * Float.pi * velocity, attackFrames: attack,
            decayFrames: v.melodyIndexDecaySeconds * sampleRate, framesLeftInBlock: framesLeftInBlock)
        pans[voice] = pan
        isSilent = false
    }

    /// Control rate: ends attacks and decayed envelopes, notes whether any voice is still audible,
    /// and pulls each carrier phasor back to unit length (single-precision rotation drifts by about
    /// 1e-7 a frame; one Newton step for 1/√r² from 1 removes it).
    mutating func controlBlock() {
        envelope.controlBlock()
        index.controlBlock()
        isSilent = envelope.isSilent
        let correction = 1.5 - 0.5 * (carrierSin * carrierSin + carrierCos * carrierCos)
        carrierSin *= correction
        carrierCos *= correction
    }

    /// One stereo frame of all bells.
    @inline(__always)
    mutating func next() -> (left: Float, right: Float) {
        if isSilent { return (0, 0) }
        let amplitude = envelope.next()
        // |m| ≤ 1.01 rad (the default palette): sin to m⁷ and cos to m⁸ err by under 3e-6 (the next
    // terms, m⁹/9! and m¹⁰/10!); at 1.57 rad, the largest a palette uses, by under 2e-4.
        let m = index.next() * modulator.next()
        let m2 = m * m
        let s3: Float = -1.0 / 6, s5: Float = 1.0 / 120, s7: Float = -1.0 / 5040
        let c2: Float = -0.5, c4: Float = 1.0 / 24, c6: Float = -1.0 / 720, c8: Float = 1.0 / 40_320
        let sinM: SIMD8<Float> = m * (1 + m2 * (s3 + m2 * (s5 + m2 * s7)))
        let cosM: SIMD8<Float> = 1 + m2 * (c2 + m2 * (c4 + m2 * (c6 + m2 * c8)))
        let value = (carrierSin * cosM + carrierCos * sinM) * amplitude
        let advancedSin = carrierSin * rotationCos + carrierCos * rotationSin
        carrierCos = carrierCos * rotationCos - carrierSin * rotationSin
        carrierSin = advancedSin
        return SIMDMath.stereoSums(value, rightShares: pans)
    }
}

/// Lane-wise helpers written so the compiler emits single vector instructions: Swift 6.3's generic
/// `pointwiseMin` and `sum()` go lane by lane, while these loops become `minps`/`maxps` and a
/// pairwise reduction.
enum SIMDMath {
    @inline(__always)
    static func minimum<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar == Float {
        var result = a
        for lane in result.indices { result[lane] = a[lane] < b[lane] ? a[lane] : b[lane] }
        return result
    }

    @inline(__always)
    static func maximum<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar == Float {
        var result = a
        for lane in result.indices { result[lane] = a[lane] > b[lane] ? a[lane] : b[lane] }
        return result
    }

    /// (Σ v·(1 − r), Σ v·r): the left and right sums of panned voices.
    ///
    /// Never inlined: inlined, LLVM scalarises everything feeding the two reductions and rebuilds it
    /// as two-lane vectors and shuffles, which costs more than twice the call.
    @inline(never)
    static func stereoSums(_ v: SIMD8<Float>, rightShares r: SIMD8<Float>) -> (left: Float, right: Float) {
        let right = v * r
        return (sum(v - right), sum(right))
    }

    /// The sum of eight lanes by halves (pairwise, so rounding differs from a left-to-right sum).
    @inline(__always)
    static func sum(_ v: SIMD8<Float>) -> Float { sum(v.lowHalf + v.highHalf) }

    @inline(__always)
    static func sum(_ v: SIMD4<Float>) -> Float {
        let two = v.lowHalf + v.highHalf
        return two.x + two.y
    }
}
