// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// The render engine: turns a seed and a stream of parameter targets into interleaved stereo floats.
///
/// One owner (`~Copyable`), touched only by whichever thread renders (STYLE.md "Real-time audio
/// path"). Everything is allocated in `init`; `render(into:parameters:)` never allocates, locks or
/// logs, and release builds prove it with `@_noLocks`.
///
/// Determinism: control-rate work (reading targets, ramps, AGC, filter coefficients) happens on
/// fixed 32-frame blocks counted from frame 0, whatever buffer sizes the caller uses, so the output
/// depends only on the seed and on *which frame* each target was set at — never on the block size.
///
/// Level: the dry mix's K-weighted (ITU-R BS.1770-4 §2.1) power is averaged over about 3 s;
/// the output gain is target − measured, slewed at most 2 dB/s, so the calibrated loudness holds
/// whatever the harmony and melody are doing and never jumps. The breath swell is applied after that
/// measurement, so the level control never fights it.
public struct Renderer: ~Copyable {
    /// Frames per control block.
    public static let controlBlockFrames = 32

    public let configuration: SynthConfiguration
    /// Frames rendered so far.
    public private(set) var framesRendered: UInt64 = 0
    /// The beat clock (read it for the commanded-vs-heard tests' bookkeeping, not for timing audio).
    public private(set) var clock: BeatClock
    /// The loudness of what this renderer produced (momentary, short-term, integrated).
    public private(set) var meter: LoudnessMeter
    /// Melody notes struck so far (the tension tests' count of melodic onsets).
    public private(set) var melodyNotesStruck: UInt64 = 0
    /// Chord changes so far, the first chord included.
    public private(set) var chordChanges: UInt64 = 0

    private let sampleRate: Float
    private let layers: SynthConfiguration.Layers
    /// The palette's numbers for the voice banks, read on every event (no allocation: plain floats).
    private let voicing: Palette.Voicing
    private let reverbMemory: UnsafeMutablePointer<SIMD4<Float>>
    private var reverb: FeedbackDelayReverb
    private var eighthsStruck: UInt64 = 0
    /// Frames from the one being rendered to the end of its control block (note events need it).
    private var framesLeftInBlock = 0

    private var tempo: ParameterRamper
    private var loudness: ParameterRamper
    private var swellRate: ParameterRamper
    private var swellDepth: ParameterRamper
    private var brightness: ParameterRamper
    private var tension: ParameterRamper
    /// The reverb decay last set (seconds); reset only when tension moves it.
    private var reverbDecaySeconds: Double
    /// Breath swell cycle position, 0 ..< 1 (0.25 = loudest).
    public private(set) var swellPhase: Double = 0
    private var colourPhase: Double = 0

    private var piece: Piece
    private var pads = PadBank()
    private var pulses = PulseAndBassBank()
    private var bells = BellBank()
    private var padFilter = StereoStateVariableFilter()
    private var padFilter2 = StereoStateVariableFilter()
    private var airFilter = StateVariableFilter()
    private var noiseState: UInt32
    private var noiseLowPass: Float = 0
    private let noiseSmoothing: Float

    private var weighting: StereoKWeightingFilter
    private var dryPowerAverage: Double
    private var blockOutputPower = 0.0
    private var blockGainSquared = 0.0
    private var gainDecibels: Float
    private var gain: Float = 0
    private var gainStep: Float = 0
    private var airLevel: Float = 0
    private var airStep: Float = 0
    private var fadeIn: Float = 0

    /// Dry-mix loudness at unit gain of the default palette, measured on the full piece (seeds 1–5,
    /// 60 s each, spread ±0.6 LU); the level control starts from the palette's own
    /// (`Palette.Voicing.nominalDryLUFS`), so the first seconds are already close to target.
    static let nominalDryLUFS = Palette.default.voicing.nominalDryLUFS

    /// Builds the engine; the store's current targets are the starting values (no ramp at start).
    public init(configuration: SynthConfiguration, parameters: borrowing ParameterStore) {
        self.configuration = configuration
        let rate = configuration.sampleRate
        sampleRate = Float(rate)
        layers = configuration.layers
        voicing = configuration.palette.voicing
        clock = BeatClock(sampleRate: rate)
        meter = LoudnessMeter(sampleRate: rate)
        weighting = StereoKWeightingFilter(sampleRate: rate)
        let memorySlots = FeedbackDelayReverb.memorySlots(sampleRate: rate)
        reverbMemory = .allocate(capacity: memorySlots)
        reverbMemory.initialize(repeating: .zero, count: memorySlots)
        reverbDecaySeconds = Self.reverbDecaySeconds(tension: parameters.tension)
        reverb = FeedbackDelayReverb(
            memory: reverbMemory, sampleRate: rate, decaySeconds: reverbDecaySeconds, dampingCutoffHertz: 4_500)
        let ramp = configuration.parameterRampFrames
        let perSecond = 1 / Double(rate)
        tempo = ParameterRamper(value: parameters.tempoBPM, rampFrames: ramp, maximumChangePerFrame: 20 * perSecond)
        loudness = ParameterRamper(value: parameters.loudnessLUFS, rampFrames: ramp, maximumChangePerFrame: 2 * perSecond)
        swellRate = ParameterRamper(value: parameters.swellBreathsPerMinute, rampFrames: ramp, maximumChangePerFrame: 2 * perSecond)
        swellDepth = ParameterRamper(value: parameters.swellDepthLU, rampFrames: ramp, maximumChangePerFrame: 2 * perSecond)
        brightness = ParameterRamper(value: parameters.brightness, rampFrames: ramp, maximumChangePerFrame: 0.2 * perSecond)
        // Tension glides at most 0.1 a second: a jump asked of it is heard over seconds, in a few bars.
        tension = ParameterRamper(value: parameters.tension, rampFrames: ramp, maximumChangePerFrame: 0.1 * perSecond)
        piece = Piece(seed: configuration.seed, tension: parameters.tension)
        noiseState = UInt32(truncatingIfNeeded: configuration.seed &* 0x9E37_79B9) | 1
        // One-pole at 2.5 kHz ahead of the band-pass: breath, not hiss (1 − e^(−2π·fc/fs)).
        noiseSmoothing = 1 - FastMath.exp2(Float(-2 * Double.pi * 2_500 / Double(rate) * 1.442_695))
        let nominal = voicing.nominalDryLUFS
        dryPowerAverage = FastMath.powerRatio(decibels: nominal + 0.691)
        gainDecibels = Float(parameters.loudnessLUFS - nominal)
    }

    deinit { reverbMemory.deallocate() }

    /// The tail: 4.5 s at the default tension, 5.4 s calm, 2.4 s tense (a dry room is close and alert,
    /// a long tail spacious; Gabrielsson & Lindström 2010 on articulation and "sustain").
    static func reverbDecaySeconds(tension: Double) -> Double { 4.5 - (tension - Piece.defaultTension) * 3 }

    /// Renders `buffer.count / 2` interleaved stereo frames, reading targets from `parameters` and
    /// publishing frames rendered, beat count, swell phase and measured loudness back to it.
    #if REALTIME_CHECKS
    @_noLocks
    #endif
    public mutating func render(into buffer: UnsafeMutableBufferPointer<Float>, parameters: borrowing ParameterStore) {
        let frames = buffer.count / 2
        var done = 0
        while done < frames {
            let offsetInBlock = Int(framesRendered % UInt64(Self.controlBlockFrames))
            if offsetInBlock == 0 { controlBlock(parameters: parameters) }
            let count = min(frames - done, Self.controlBlockFrames - offsetInBlock)
            renderFrames(buffer.baseAddress! + 2 * done, count: count, offsetInBlock: offsetInBlock)
            done += count
            framesRendered += UInt64(count)
        }
        parameters.framesRenderedCount.store(framesRendered, ordering: .relaxed)
        parameters.beatCountValue.store(clock.beatsStruck, ordering: .relaxed)
        parameters.swellPhaseBits.store(swellPhase.bitPattern, ordering: .relaxed)
        parameters.momentaryBits.store(meter.momentaryLUFS.bitPattern, ordering: .relaxed)
        parameters.shortTermBits.store(meter.shortTermLUFS.bitPattern, ordering: .relaxed)
    }

    // MARK: Control rate

    private mutating func controlBlock(parameters: borrowing ParameterStore) {
        let blockFrames = Self.controlBlockFrames
        let blockSeconds = Double(blockFrames) / Double(sampleRate)
        tempo.setTarget(Double(bitPattern: parameters.tempoBits.load(ordering: .relaxed)))
        loudness.setTarget(Double(bitPattern: parameters.loudnessBits.load(ordering: .relaxed)))
        swellRate.setTarget(Double(bitPattern: parameters.swellRateBits.load(ordering: .relaxed)))
        swellDepth.setTarget(Double(bitPattern: parameters.swellDepthBits.load(ordering: .relaxed)))
        brightness.setTarget(Double(bitPattern: parameters.brightnessBits.load(ordering: .relaxed)))
        tension.setTarget(Double(bitPattern: parameters.tensionBits.load(ordering: .relaxed)))

        let loudnessLUFS = loudness.advance(frames: blockFrames)
        let breathsPerMinute = swellRate.advance(frames: blockFrames)
        let depthLU = swellDepth.advance(frames: blockFrames)
        let tensionNow = tension.advance(frames: blockFrames)
        // Tension brightens the timbre: +0.21 (of the 0...1 brightness scale) at 1, −0.09 at calm (more
        // would open the saws' band-limited resets to the edge the 2.8 kHz cap is there to avoid).
        let bright = Float(brightness.advance(frames: blockFrames)) + Float(tensionNow - Piece.defaultTension) * 0.3
        let decay = Self.reverbDecaySeconds(tension: tensionNow)
        if decay != reverbDecaySeconds {
            reverbDecaySeconds = decay
            reverb.setDecay(seconds: decay)
        }
        swellPhase += breathsPerMinute / 60 * blockSeconds
        if swellPhase >= 1 { swellPhase -= 1 }
        colourPhase += blockSeconds / 29  // a slow, non-periodic-feeling timbre drift (29 s cycle)
        if colourPhase >= 1 { colourPhase -= 1 }
        let swell = FastMath.sinTurns(Float(swellPhase))
        let swellDecibels = Float(depthLU) * 0.5 * swell

        // Level control: K-weighted dry power averaged with a 3 s time constant (≈ short-term). The
        // gain is linear over a block and K-weighting is linear, so the output's weighted power over
        // Σ gain² is the dry mix's to well under 0.01 LU (only the safety limiter's rare peaks differ).
        if framesRendered > 0 && blockGainSquared > 1e-30 {
            let alpha = blockSeconds / 3
            dryPowerAverage += alpha * (blockOutputPower / blockGainSquared - dryPowerAverage)
        }
        blockOutputPower = 0
        let dryLUFS = LoudnessMeter.lufs(power: max(dryPowerAverage, 1e-12))
        let wanted = Float(min(max(loudnessLUFS - dryLUFS, -60), 40))
        // While fading in nobody hears a fast correction; afterwards never faster than 2 dB/s.
        let slew = Float(fadeIn < 1 ? 12 : 2) * Float(blockSeconds)
        gainDecibels += min(max(wanted - gainDecibels, -slew), slew)
        fadeIn = min(1, fadeIn + Float(blockSeconds / 2))  // 2 s fade-in from silence
        let targetGain = FastMath.gain(decibels: gainDecibels + swellDecibels) * fadeIn * fadeIn
        gainStep = (targetGain - gain) / Float(blockFrames)
        // Σₖ (gain + k·step)² for k = 1 ... blockFrames, the gains the coming block will apply.
        let n = Double(blockFrames)
        let g0 = Double(gain)
        let step = Double(gainStep)
        blockGainSquared = n * g0 * g0 + g0 * step * n * (n + 1) + step * step * n * (n + 1) * (2 * n + 1) / 6

        // Timbre: brightness opens the pad filter over 2.8 octaves (400 Hz ... 2.8 kHz); the swell brightens on the
        // inhale (up to half an octave at 6 LU depth) so the breath is heard in colour as well as level.
        let drift = FastMath.sinTurns(Float(colourPhase)) * 0.35
        let swellOctaves = swell * min(Float(depthLU), 6) / 12
        // Capped at 2.8 kHz: above it the saws' band-limited resets start to sound (and measure) edgy.
        let cutoffHertz = min(400 * FastMath.exp2(bright * 2.8 + drift + swellOctaves) * voicing.padCutoffScale, 2_800)
        // Two cascaded 2-pole sections (24 dB/octave, Butterworth-like Qs 0.54 and 1.31): the saws'
        // sharp resets are rounded off, which is what makes the pad warm rather than buzzy.
        let padCutoff = StereoStateVariableFilter.prewarp(
            cutoffRatioLeft: cutoffHertz / sampleRate, right: cutoffHertz * 1.06 / sampleRate)
        padFilter.set(prewarped: padCutoff, q: 0.54)
        padFilter2.set(prewarped: padCutoff, q: 1.31)
        airFilter.set(cutoffRatio: 900 * FastMath.exp2(bright + swellOctaves) / sampleRate, q: 0.9)
        // The air layer breathes deeper than the rest: it is the audible "inhale".
        let breath = depthLU > 0 ? 0.35 + 0.65 * (0.5 + 0.5 * swell) : 0.6
        let airTarget = layers.contains(.air) ? 0.045 * breath * voicing.airScale : 0
        airStep = (airTarget - airLevel) / Float(blockFrames)

        pads.controlBlock()
        pulses.controlBlock()
        bells.controlBlock()
    }

    // MARK: Events

    private mutating func beatStruck() {
        let beat = piece.beat(tension: Float(tension.value))
        let chord = Piece.voicing(piece.chord, mode: piece.mode)
        if beat.chordChanged { chordChanges += 1 }
        if beat.chordChanged && layers.contains(.pad) { changeChord(first: clock.beatsStruck == 1) }
        if layers.contains(.pulse) {
            pulses.strike(
                note: chord.bass + 12, accent: beat.accent, voicing: voicing, sampleRate: sampleRate,
                framesLeftInBlock: framesLeftInBlock)
        }
    }

    private mutating func eighthStruck() {
        guard layers.contains(.melody), let note = piece.eighth() else { return }
        melodyNotesStruck += 1
        bells.strike(
            voice: bells.voiceForNextNote(), note: note.note + voicing.melodyTranspose, velocity: note.velocity,
            pan: 0.2 + 0.6 * piece.unit(), voicing: voicing, sampleRate: sampleRate, framesLeftInBlock: framesLeftInBlock)
    }

    private mutating func changeChord(first: Bool) {
        let chord = Piece.voicing(piece.chord, mode: piece.mode)
        let attack = voicing.padAttackSeconds * sampleRate
        let release = voicing.padReleaseSeconds * sampleRate
        // A drone holds D2 A2 D3 A3 whatever the chord (D and A are on every rung of the ladder).
        let t = voicing.padTranspose
        let notes =
            voicing.padDrone
            ? (38, 45, 50, 57) : (chord.notes.0 + t, chord.notes.1 + t, chord.notes.2 + t, chord.notes.3 + t)
        for voice in 0..<PadBank.voiceCount where !pads.isIdle(voice) && !pads.isReleasing(voice) {
            let note = Int(pads.notes[voice])
            let kept = note == notes.0 || note == notes.1 || note == notes.2 || note == notes.3
            if !kept { pads.release(voice: voice, releaseFrames: release) }
        }
        startPad(notes.0, attack: attack, first: first)
        startPad(notes.1, attack: attack, first: first)
        startPad(notes.2, attack: attack, first: first)
        startPad(notes.3, attack: attack, first: first)
        pulses.changeBass(
            note: chord.bass, level: voicing.bassLevel, attackFrames: attack, releaseFrames: release,
            sampleRate: sampleRate, immediately: first)
    }

    private mutating func startPad(_ note: Int, attack: Float, first: Bool) {
        for voice in 0..<PadBank.voiceCount where Int(pads.notes[voice]) == note && !pads.isReleasing(voice) { return }
        var chosen = -1
        for voice in 0..<PadBank.voiceCount where pads.isIdle(voice) {
            chosen = voice
            break
        }
        if chosen < 0 {
            chosen = 0
            for voice in 1..<PadBank.voiceCount where pads.levels[voice] < pads.levels[chosen] { chosen = voice }
        }
        let detune = voicing.padDetuneCents + voicing.padDetuneSpanCents * piece.unit()
        pads.start(
            voice: chosen, note: note, detuneCents: detune, level: voicing.padLevel, attackFrames: attack,
            sampleRate: sampleRate, immediately: first)
    }

    // MARK: Audio rate

    @inline(__always)
    private mutating func renderFrames(_ output: UnsafeMutablePointer<Float>, count: Int, offsetInBlock: Int) {
        for frame in 0..<count {
            framesLeftInBlock = Self.controlBlockFrames - offsetInBlock - frame
            if clock.positionBeats * 2 >= Double(eighthsStruck) {
                eighthsStruck += 1
                eighthStruck()
            }
            if clock.tick(tempoBPM: tempo.next()) { beatStruck() }

            let (padLeft, padRight) = pads.next()
            let (pulse, bass) = pulses.next()
            let filtered = padFilter2.lowPass(padFilter.lowPass(SIMD2(padLeft, padRight)))
            var left = filtered.x + bass
            var right = filtered.y + bass

            left += pulse
            right += pulse

            let (bellLeft, bellRight) = bells.next()
            left += bellLeft * voicing.melodyGain
            right += bellRight * voicing.melodyGain

            noiseState ^= noiseState << 13  // xorshift32 (Marsaglia 2003)
            noiseState ^= noiseState >> 17
            noiseState ^= noiseState << 5
            let noise = Float(Int32(bitPattern: noiseState)) * (1.0 / 2_147_483_648)
            airLevel += airStep
            noiseLowPass += noiseSmoothing * (noise - noiseLowPass)
            let air = airFilter.process(noiseLowPass).band * airLevel * 2

            let wet = reverb.process(
                left: padLeft * 0.02 + pulse * 0.25 + bellLeft * 0.12 + air * 0.6,
                right: padRight * 0.02 + pulse * 0.25 + bellRight * 0.12 + air * 0.6)
            left += wet.left * 0.35 + air
            right += wet.right * 0.35 + air

            gain += gainStep
            let outLeft = Self.safetyLimit(left * gain)
            let outRight = Self.safetyLimit(right * gain)
            output[2 * frame] = outLeft
            output[2 * frame + 1] = outRight
            // The output itself is K-weighted, once: the meter then measures exactly what is played
            // (an offline render needs no second meter), and the level control divides the block's
            // weighted power by its Σ gain² to recover the dry mix's.
            let power = weighting.power(left: outLeft, right: outRight)
            blockOutputPower += power
            meter.addWeighted(power: power)
        }
    }

    /// A last-resort soft knee above −3.1 dBFS that approaches −1.4 dBFS asymptotically, so even a
    /// mis-set level can never clip or pass the −1 dBTP ceiling of EBU R 128. At −20 LUFS only the
    /// pulse's loudest peaks at the top of a swell reach it, and lose a fraction of a dB.
    @inline(__always)
    static func safetyLimit(_ x: Float) -> Float {
        let knee: Float = 0.7
        let magnitude = abs(x)
        guard magnitude > knee else { return x }
        let room: Float = 0.85 - knee
        let over = (magnitude - knee) / room
        let limited = knee + room * over / (1 + over)
        return x < 0 ? -limited : limited
    }
}
