// SPDX-License-Identifier: Apache-2.0

/// Every bound and pace of the iso controller, with the defaults a therapist would start from.
///
/// The hard bounds (the `max…` rates, `maxTempoDropFraction`, `ceilingLoudnessLUFS`) are enforced on
/// every output, whatever the phase or the data. The paces (`lead…`, `close…`) are what the
/// controller aims for inside those bounds; keep each pace at or below its bound.
///
/// Why these numbers:
/// - Tempo alone barely entrains heart rate; only large slowdowns from a start matched to the
///   listener's heart rate (-30 to -45 %) move it, hence a slow lead toward `maxTempoDropFraction`
///   (issue 5's research brief; see Bernardi et al. 2006, Heart 92:445-452, on tempo, arousal and
///   breathing).
/// - Breathing follows a loudness swell paced about 75 % of the listener's own rate
///   (`guideStepFraction`), and slow breathing near 6/min multiplies respiratory sinus arrhythmia
///   (Lehrer & Gevirtz 2014, Front Psychol 5:756; Vaschillo et al. 2002, Appl Psychophysiol
///   Biofeedback 27(1):1-27), hence `resonanceBreathsPerMinute`.
public struct GuidanceConfiguration: Sendable, Equatable {
    // MARK: Phases

    /// Length of the match phase at the start of a session.
    public var matchSeconds: Double = 180
    /// Length of the close phase at the end (the last one to two minutes).
    public var closeSeconds: Double = 120
    /// Session fade-in once the first heart rate is known (`MusicTarget.envelopeGain`).
    public var fadeInSeconds: Double = 20
    /// Final fade-out, inside the close phase, ending exactly at the planned session length.
    public var fadeOutSeconds: Double = 30

    // MARK: Tempo

    /// Hard bound: tempo never moves faster than this.
    public var maxTempoSlewBPMPerMinute: Double = 3
    /// Hard bound: tempo never goes lower than this fraction below the matched start (the highest
    /// tempo of the match phase).
    public var maxTempoDropFraction: Double = 0.40
    /// Pace of the tempo lead while the listener follows.
    public var leadTempoBPMPerMinute: Double = 2
    /// Without evidence that the listener is calmer, the lead stops this fraction below the matched
    /// start; with evidence it may go on to `maxTempoDropFraction`. This keeps a listener who does
    /// not respond (or a recording, open loop) from being led into music far slower than them.
    public var unconfirmedTempoDropFraction: Double = 0.15
    /// Absolute floor: below about 30-40 BPM (inter-onset intervals near 2 s) a pulse stops being
    /// heard as a beat (London 2012, "Hearing in Time", 2nd ed., Oxford University Press), so the
    /// lead never goes lower whatever the matched start.
    public var minimumTempoBPM: Double = 40
    /// Ritardando during the close phase.
    public var closeTempoBPMPerMinute: Double = 1
    /// The matched tempo is the heart rate clamped into this range.
    public var minimumMatchedTempoBPM: Double = 45
    public var maximumMatchedTempoBPM: Double = 120
    /// Tempo reported before the first heart rate is known (the envelope is 0 then).
    public var initialTempoBPM: Double = 70

    // MARK: Loudness

    /// Hard bound: programme loudness never moves faster than this (the swell is on top of it).
    public var maxLoudnessSlewLUPerMinute: Double = 1
    /// Hard bound: the swell's peak (`MusicTarget.peakLoudnessLUFS`) never exceeds this.
    public var ceilingLoudnessLUFS: Double = -18
    /// Level of the match phase: quiet enough not to startle.
    public var matchLoudnessLUFS: Double = -26
    /// The lead softens toward this level.
    public var leadLoudnessLUFS: Double = -32
    /// Pace of the softening during the lead.
    public var leadLoudnessLUPerMinute: Double = 0.5
    /// The close phase softens toward this level at `maxLoudnessSlewLUPerMinute`.
    public var closeLoudnessLUFS: Double = -40

    // MARK: Breathing guide (the swell)

    /// Hard bound: the swell rate never moves faster than this many breaths/min per minute while the
    /// swell is audible (`swellDepthLU > 0`).
    public var maxGuideSlewBreathsPerMinutePerMinute: Double = 1
    /// Where the guide aims: the resonance range of slow breathing.
    public var resonanceBreathsPerMinute: Double = 6
    /// The lead paces the breath at this fraction of the listener's current rate.
    public var guideStepFraction: Double = 0.75
    /// In hold, the guide steps back up to this fraction of their rate if it was further away.
    public var holdGuideFraction: Double = 0.9
    /// Swell rate before the first breathing estimate (the swell is silent then: depth 0).
    public var initialGuideBreathsPerMinute: Double = 12
    public var matchSwellDepthLU: Double = 2
    public var leadSwellDepthLU: Double = 4
    /// Swell depth moves no faster than this (also how it fades in and out).
    public var maxSwellDepthSlewLUPerMinute: Double = 1

    // MARK: Brightness

    public var matchBrightness: Double = 0.5
    public var leadBrightness: Double = 0.3
    public var closeBrightness: Double = 0.15
    public var maxBrightnessSlewPerMinute: Double = 0.1

    // MARK: Tension (the music's 0 calm ... 1 tense axis)

    /// Hard bound: tension never moves faster than this (a rung of the mode ladder is 0.2 wide, so
    /// at most one rung every two minutes).
    public var maxTensionSlewPerMinute: Double = 0.1
    /// Pace of the lead toward calm while the listener follows.
    public var leadTensionPerMinute: Double = 0.1
    /// Where the lead and the close take the tension, and the calm end of the matched scale
    /// (`TensionReference.tension`): ionian, long chords, a sparse low melody.
    public var calmTension: Double = 0.1
    /// Without evidence that the listener is calmer the lead stops this far below the matched
    /// tension (a rung and a half), as the tempo stops at `unconfirmedTempoDropFraction`.
    public var unconfirmedTensionDrop: Double = 0.3
    /// Tension before the first heart rate (nothing is heard then): the piece's default.
    public var initialTension: Double = 0.3

    // MARK: Judging the listener

    /// Time constants of the fast and slow trends of HR, RMSSD and breathing rate.
    public var fastTrendSeconds: Double = 30
    public var slowTrendSeconds: Double = 180
    /// RMSSD and breathing rate pass through a median over this long (sampled every 5 s) first.
    public var medianSeconds: Double = 120
    /// Following: their (fast-trend) breathing rate is at most this multiple of the guide.
    /// A listener who ignores a 75 % guide sits at 1/0.75 = 1.33.
    public var followRatio: Double = 1.25
    /// ...or at most this many breaths/min above it (near 6/min a ratio is too strict: 7.5 is
    /// already following a 6/min guide).
    public var followToleranceBreathsPerMinute: Double = 2
    /// Breathing is compared with the guide as it was about this long ago (an exponential average):
    /// their breath takes tens of seconds to settle on a new pace, and the breathing estimate (a 64-s
    /// spectrum, then the median) lags as much again, so a listener who follows still trails a moving
    /// guide.
    public var followLagSeconds: Double = 60
    /// How long they may not follow during the lead before the controller holds.
    public var followPatienceSeconds: Double = 90
    /// A hold lasts at least this long...
    public var minimumHoldSeconds: Double = 120
    /// ...and ends once they have been following (and not activated) for this long.
    public var resumeSeconds: Double = 30
    /// More activated: fast-trend HR at least this much above the slow trend or the matched start.
    public var activationHeartRateRiseBPM: Double = 5
    /// Calmer, any two of: HR down this much from the matched start, RMSSD up this fraction,
    /// breathing rate down this fraction.
    public var calmerHeartRateDropBPM: Double = 3
    public var calmerRMSSDRiseFraction: Double = 0.15
    public var calmerBreathingDropFraction: Double = 0.15
    /// ...held this long without a break before the lead may go past `unconfirmedTempoDropFraction`.
    public var calmerConfirmSeconds: Double = 60
    /// While the lead waits at the unconfirmed cap, up to this long of its pace is kept in hand and
    /// spent (within the tempo bound) once calm is confirmed; longer waits are simply lost. It makes
    /// the trajectory insensitive to the exact moment a noisy measure crosses its threshold.
    public var calmerGraceSeconds: Double = 90

    // MARK: Trusting the data

    /// Snapshots whose window has more flagged beats than this are not trusted.
    public var maxArtifactPercent: Double = 20
    /// The lead advances only by time covered by trusted beats: a gap between two trusted beats
    /// counts for at most this long. Short artifacts are bridged; long gaps pause the lead.
    public var maxCreditSeconds: Double = 5

    /// The defaults above.
    public init() {}

    public static let `default` = GuidanceConfiguration()
}
