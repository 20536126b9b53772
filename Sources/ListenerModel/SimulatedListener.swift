// SPDX-License-Identifier: Apache-2.0
// sin, exp come from the C library; nothing else of it is used (no I/O, no clock, no Foundation).
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A seeded simulated listener whose RR series responds to the music. A test model, honest about
/// being one: it exists so the guidance can be exercised in a closed loop without a person; it is not
/// evidence that music does any of this to anyone.
///
/// The RR series is in the family of McSharry et al. 2003's ECGSYN RR model ("A dynamical model for
/// generating synthetic electrocardiogram signals", IEEE TBME 50(3):289-294): a mean RR plus a
/// low-frequency component at 0.1 Hz (the Mayer wave, ECGSYN's f1 = 0.1 Hz with c1 = 0.01 Hz spread;
/// Julien 2006, "The enigma of Mayer waves", Cardiovasc Res 70(1):12-21) and a high-frequency
/// component at the breathing rate (respiratory sinus arrhythmia). ECGSYN draws them from a spectrum
/// with random phases; here they are two oscillators evaluated at each beat (integral pulse frequency
/// style), so the breathing rate can move with the music, plus white beat-to-beat noise.
///
/// What drives it:
/// - **Arousal** (0...1) sets the mean heart rate and the vagal tone; vagal tone scales the RSA and
///   the beat noise (so RMSSD falls as arousal rises).
/// - **RSA amplitude** depends on the breathing rate: it grows several-fold near 6/min, where
///   breathing and the baroreflex resonate (Vaschillo et al. 2002, Appl Psychophysiol Biofeedback
///   27(1):1-27; Lehrer & Gevirtz 2014, Front Psychol 5:756), and falls slowly at faster rates
///   (Hirsch & Bishop 1981, "Respiratory sinus arrhythmia in humans: how breathing pattern modulates
///   heart rate", Am J Physiol 241(4):H620-H629).
/// - **Breathing** relaxes (20 s time constant) toward the spontaneous rate arousal sets, or, when an
///   audible swell (>= 1 LU) is within reach, between 70 % and 130 % of their current rate, toward the
///   swell's rate by `breathEntrainment`. A guide further away is ignored.
/// - **Tension**: music a little calmer than their arousal lowers it, music much tenser raises it
///   (`tensionEffect`).
/// - **Arousal** relaxes toward a target: the resting arousal, lowered toward the floor by soothing
///   music (soft: below the comfortable level; slow: below their heart rate and below ~90 BPM;
///   music matched to a fast heart only stops activating them) and by
///   breathing near 6/min (Zaccaro et al. 2018, "How breath-control can change your life", Front Hum
///   Neurosci 12:353), raised by music much faster (> 1.2 x their heart rate) or louder than
///   comfortable. An abrupt change of audible music (tempo faster than 1 BPM/s, loudness rising faster
///   than 2 LU/s) startles: a small immediate rise per beat. Calming is slower than activation.
/// - **With a resonance** (`ListenerResonance`, for the resonance-frequency assessment), the RSA
///   gain, its phase against breathing, breath-to-breath depth and the following of a pacer are that
///   model's instead; without one (the default) the listener is exactly as above.
public struct SimulatedListener: Sendable {
    public let profile: ListenerProfile
    public let seed: UInt64
    public let artifacts: ArtifactInjection
    public let resonance: ListenerResonance?

    var physiologyRandom: SplitMix64
    var artifactRandom: SplitMix64
    /// Session time of the last true beat.
    var heartTimeSeconds: Double = 0
    var arousal: Double
    var arousalNoise: Double = 0
    var breathsPerMinute: Double
    var breathingJitter: Double = 0
    var respiratoryPhase: Double
    var mayerPhase: Double
    var mayerFrequencyHz: Double = 0.1
    var previousMusic: MusicState?
    var following = false
    /// Delivered intervals waiting to be returned (an injected artifact can make two of one beat).
    var pending: [SimulatedBeat] = []
    var contactLossUntilSeconds: Double = -1
    /// The resonance's own draws (breath depth), so the physiology's stream is the same with and without one.
    var resonanceRandom: SplitMix64
    /// This breath's depth, as a multiple of the mean (resonance model only).
    var breathDepth: Double = 1

    public init(
        profile: ListenerProfile, seed: UInt64, artifacts: ArtifactInjection = .none,
        resonance: ListenerResonance? = nil
    ) {
        self.profile = profile
        self.seed = seed
        self.artifacts = artifacts
        self.resonance = resonance
        resonanceRandom = SplitMix64(seed: seed ^ 0x8E50_7A7C_E000_0002)
        physiologyRandom = SplitMix64(seed: seed)
        // A separate stream for the strap's faults, so artifacts do not change the physiology's draws.
        artifactRandom = SplitMix64(seed: seed ^ 0xA57F_AC75_0000_0001)
        arousal = profile.restingArousal
        breathsPerMinute = 0
        respiratoryPhase = 2 * Double.pi * physiologyRandom.nextUnit()
        mayerPhase = 2 * Double.pi * physiologyRandom.nextUnit()
        breathsPerMinute = spontaneousBreathsPerMinute
    }

    /// The next interval the strap delivers, while the listener hears `music`.
    public mutating func nextBeat(music: MusicState) -> SimulatedBeat {
        if pending.isEmpty { deliver(music: music) }
        return pending.removeFirst()
    }

    // MARK: Physiology

    var vagalTone: Double { 1 - (1 - profile.vagalToneAtFullArousal) * arousal }
    var meanHeartRateBPM: Double {
        profile.heartRateAtZeroArousalBPM + (profile.heartRateAtFullArousalBPM - profile.heartRateAtZeroArousalBPM)
            * arousal
    }
    var spontaneousBreathsPerMinute: Double {
        profile.breathsPerMinuteAtZeroArousal
            + (profile.breathsPerMinuteAtFullArousal - profile.breathsPerMinuteAtZeroArousal) * arousal
    }

    /// RSA gain against breathing at 15/min: a slow low-pass decline with rate (Hirsch & Bishop 1981)
    /// times a resonance peak at 6/min (Vaschillo et al. 2002). About 2.4 at 6/min, 1.3 at 9/min,
    /// 1 at 15/min, 0.9 at 18/min.
    public static func rsaGain(breathsPerMinute: Double) -> Double {
        let lowPass = (2 / (1 + (breathsPerMinute / 15) * (breathsPerMinute / 15))).squareRoot()
        let offset = (breathsPerMinute - 6) / 2.5
        return lowPass * (1 + 0.8 * exp(-offset * offset))
    }

    var rsaAmplitudeMilliseconds: Double {
        if let resonance {
            return profile.rsaAmplitudeMilliseconds * vagalTone * resonance.rsaGain(breathsPerMinute: breathsPerMinute)
                * breathDepth
        }
        return profile.rsaAmplitudeMilliseconds * vagalTone * Self.rsaGain(breathsPerMinute: breathsPerMinute)
    }

    /// One true heart beat: advances breathing, arousal and the oscillators over the previous interval
    /// and returns the new interval.
    mutating func nextHeartBeat(music: MusicState) -> (rrMilliseconds: Double, truth: ListenerGroundTruth) {
        let rrGuess = 60 / meanHeartRateBPM
        advanceBreathing(music: music, seconds: rrGuess)
        advanceArousal(music: music, seconds: rrGuess)
        let previousPhase = respiratoryPhase
        respiratoryPhase = (respiratoryPhase + 2 * Double.pi * breathsPerMinute / 60 * rrGuess)
            .truncatingRemainder(dividingBy: 2 * Double.pi)
        if let resonance { pace(resonance, music: music, previousPhase: previousPhase, seconds: rrGuess) }
        // Mayer-wave frequency wanders around 0.1 Hz with a 0.01 Hz spread (ECGSYN's c1).
        mayerFrequencyHz +=
            (0.1 - mayerFrequencyHz) * rrGuess / 20
            + 0.01 * (2 * rrGuess / 20).squareRoot() * physiologyRandom.nextGaussian()
        mayerPhase = (mayerPhase + 2 * Double.pi * mayerFrequencyHz * rrGuess)
            .truncatingRemainder(dividingBy: 2 * Double.pi)
        let rsa = rsaAmplitudeMilliseconds
        let mayer = profile.mayerAmplitudeMilliseconds * (0.4 + 0.6 * vagalTone)
        let noise = profile.beatNoiseMilliseconds * vagalTone * physiologyRandom.nextGaussian()
        // RR lengthens in expiration: the sine's sign is a convention, the amplitude is what matters.
        // With a resonance, heart rate follows sin(breath phase + phase lead), so RR the opposite.
        let respiratory =
            resonance.map {
                -sin(respiratoryPhase + $0.phaseDegrees(breathsPerMinute: breathsPerMinute) * Double.pi / 180)
            } ?? sin(respiratoryPhase)
        let rr = 60000 / meanHeartRateBPM + rsa * respiratory + mayer * sin(mayerPhase) + noise
        let clamped = min(max(rr, 300), 2000)
        heartTimeSeconds += clamped / 1000
        let truth = ListenerGroundTruth(
            breathsPerMinute: breathsPerMinute, arousal: arousal, meanHeartRateBPM: meanHeartRateBPM,
            rsaAmplitudeMilliseconds: rsa, followingGuide: following, injectedArtifact: nil)
        return (clamped, truth)
    }

    mutating func advanceBreathing(music: MusicState, seconds: Double) {
        if let resonance {
            advancePacedBreathing(resonance, music: music, seconds: seconds)
            return
        }
        let spontaneous = spontaneousBreathsPerMinute
        let guide = music.swellBreathsPerMinute
        let audible = music.loudnessLUFS > MusicState.silenceLUFS && music.swellDepthLU >= 1
        following =
            audible && profile.breathEntrainment > 0 && guide >= 0.7 * breathsPerMinute
            && guide <= 1.3 * breathsPerMinute
        let aim = following ? spontaneous + profile.breathEntrainment * (guide - spontaneous) : spontaneous
        // Small wandering of the breath (Ornstein-Uhlenbeck, 60 s, sd 0.3/min) on top of the aim.
        breathingJitter +=
            -breathingJitter * seconds / 60
            + 0.3 * (2 * seconds / 60).squareRoot() * physiologyRandom.nextGaussian()
        let base = breathsPerMinute - breathingJitter
        let relaxed = base + (aim - base) * min(1, seconds / 20)
        breathsPerMinute = max(3, relaxed + breathingJitter)
    }

    mutating func advanceArousal(music: MusicState, seconds: Double) {
        let p = profile
        let heartRate = meanHeartRateBPM
        var target = p.restingArousal
        var startle = 0.0
        if music.loudnessLUFS > MusicState.silenceLUFS {
            let softness = min(max((p.comfortableLoudnessLUFS + 2 - music.loudnessLUFS) / 6, 0), 1)
            // Slow both against their heart (matched music only stops activating them) and in
            // absolute terms (music near 90 BPM is not slow music, whoever hears it).
            let tempoRatio = music.tempoBPM / heartRate
            let slowerThanHeart = min(max((1.1 - tempoRatio) / 0.3, 0), 1)
            let slowMusic = min(max((100 - music.tempoBPM) / 30, 0), 1)
            target -= p.responsiveness * softness * slowerThanHeart * slowMusic * (p.restingArousal - p.floorArousal)
            target += 1.5 * max(0, tempoRatio - 1.2)
            target += 0.08 * max(0, music.loudnessLUFS - p.comfortableLoudnessLUFS - 2)
            target += Self.tensionEffect(musicTension: music.tension, arousal: arousal, profile: p)
            if let previous = previousMusic, seconds > 0 {
                let tempoRate = abs(music.tempoBPM - previous.tempoBPM) / seconds
                let loudnessRise = (music.loudnessLUFS - previous.loudnessLUFS) / seconds
                let audible = music.loudnessLUFS > p.comfortableLoudnessLUFS - 12
                if audible && (tempoRate > 1 || loudnessRise > 2) { startle = 0.02 }
            }
        }
        let nearResonance = (breathsPerMinute - 6) / 3
        target -= p.responsiveness * 0.1 * exp(-nearResonance * nearResonance)
        target = min(max(target, p.floorArousal), 1)
        previousMusic = music
        let tau = target < arousal ? p.calmingTimeConstantSeconds : p.activationTimeConstantSeconds
        // Slow fluctuation of arousal (Ornstein-Uhlenbeck, 60 s, sd 0.02).
        arousalNoise +=
            -arousalNoise * seconds / 60
            + 0.02 * (2 * seconds / 60).squareRoot() * physiologyRandom.nextGaussian()
        let base = arousal - arousalNoise
        let relaxed = base + (target - base) * min(1, seconds / tau) + startle
        arousal = min(max(relaxed + arousalNoise, 0), 1)
    }
}

extension SimulatedListener {
    /// How the music's tension moves the arousal target, with both on one 0 ... 1 scale: music much
    /// tenser than the listener (more than 0.25 above) raises it, in proportion; music a little
    /// calmer than them (about 0.15 below, within ±0.15) lowers it, by up to a quarter of what
    /// soothing music's tempo and loudness can; music far calmer than them is not met and does
    /// nothing. This is the iso principle's premise (Heiderscheit & Madson 2015, Music Ther Perspect
    /// 33(1):45-52): music that meets the mood and moves from it a little at a time regulates it,
    /// as Starcke, Mayr & von Georgi (2021, "Emotion modulation through music after sadness
    /// induction: the iso principle in a controlled experimental study", Int J Environ Res Public
    /// Health 18(23):12486) found against music that jumps straight to the goal; and tense, minor,
    /// dense music is arousing (Gabrielsson & Lindström 2010). The sizes are a test model's choice.
    static func tensionEffect(musicTension: Double, arousal: Double, profile p: ListenerProfile) -> Double {
        let difference = musicTension - arousal
        let raise = 0.6 * max(0, difference - 0.25)
        let nearness = (difference + 0.15) / 0.15
        let lower = p.responsiveness * 0.25 * (p.restingArousal - p.floorArousal) * exp(-nearness * nearness)
        return raise - lower
    }

    /// Breathing with a resonance: asked to follow the swell, they do whenever it is audible and
    /// within reach, otherwise they breathe at their own rate (with the same slow wander).
    mutating func advancePacedBreathing(_ resonance: ListenerResonance, music: MusicState, seconds: Double) {
        let guide = music.swellBreathsPerMinute
        let audible = music.loudnessLUFS > MusicState.silenceLUFS && music.swellDepthLU >= 1
        following = audible && resonance.reachBreathsPerMinute.contains(guide)
        let aim = following ? guide : spontaneousBreathsPerMinute
        let tau = following ? resonance.pacedTimeConstantSeconds : 20
        breathingJitter +=
            -breathingJitter * seconds / 60
            + 0.3 * (2 * seconds / 60).squareRoot() * physiologyRandom.nextGaussian()
        let base = breathsPerMinute - breathingJitter
        let relaxed = base + (aim - base) * min(1, seconds / tau)
        breathsPerMinute = max(3, relaxed + breathingJitter)
    }

    /// Each new breath draws its depth; while following a pacer whose phase is known, the breath's
    /// phase is pulled toward it (the pacer as it is now: `music` was set at the previous beat).
    mutating func pace(_ resonance: ListenerResonance, music: MusicState, previousPhase: Double, seconds: Double) {
        if following, let phase = music.swellPhaseRadians {
            let pacer = phase + 2 * Double.pi * music.swellBreathsPerMinute / 60 * seconds
            respiratoryPhase += resonance.phaseCoupling * sin(pacer - respiratoryPhase)
            respiratoryPhase = respiratoryPhase - 2 * Double.pi * (respiratoryPhase / (2 * Double.pi)).rounded(.down)
        }
        if respiratoryPhase < previousPhase {
            breathDepth = max(0.3, 1 + resonance.depthVariation * resonanceRandom.nextGaussian())
        }
    }
}
