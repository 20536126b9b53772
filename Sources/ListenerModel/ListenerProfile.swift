// SPDX-License-Identifier: Apache-2.0

/// The parameters of one kind of simulated listener.
///
/// A test model, not evidence: the numbers are chosen to land in published ranges, and the way the
/// music moves the listener is an assumption written down so the controller can be exercised in a
/// closed loop. Nothing the loop shows about this model says anything about people.
///
/// Sources of the ranges:
/// - Resting heart rate and RMSSD of healthy adults: Nunan et al. 2010, "A quantitative systematic
///   review of normal values for short-term heart rate variability in healthy adults", PACE
///   33(11):1407-1417 (RMSSD about 42 ms, range 19-75); Shaffer & Ginsberg 2017, "An overview of
///   heart rate variability metrics and norms", Front Public Health 5:258.
/// - Lower vagal HRV with anxiety: Chalmers et al. 2014, "Anxiety disorders are associated with
///   reduced heart rate variability: a meta-analysis", Front Psychiatry 5:80.
/// - Resting breathing of adults about 12-20/min, faster under anxiety (Homma & Masaoka 2008,
///   "Breathing rhythms and emotions", Exp Physiol 93(9):1011-1021).
public struct ListenerProfile: Sendable, Equatable {
    /// "anxious", "calm", "non-responder".
    public var name: String
    /// Arousal (0 calm ... 1 highly activated) at the start and without soothing music.
    public var restingArousal: Double
    /// The lowest arousal soothing music and slow breathing can bring them to.
    public var floorArousal: Double
    /// Mean heart rate at arousal 0 and 1 (linear in between).
    public var heartRateAtZeroArousalBPM: Double
    public var heartRateAtFullArousalBPM: Double
    /// Spontaneous breathing rate at arousal 0 and 1 (linear in between).
    public var breathsPerMinuteAtZeroArousal: Double
    public var breathsPerMinuteAtFullArousal: Double
    /// RSA half peak-to-peak amplitude at full vagal tone, breathing at 15/min.
    public var rsaAmplitudeMilliseconds: Double
    /// Vagal tone at arousal 1, as a fraction of that at arousal 0 (linear in between).
    public var vagalToneAtFullArousal: Double
    /// Standard deviation of the beat-to-beat (white) part of RR at full vagal tone.
    public var beatNoiseMilliseconds: Double
    /// Half peak-to-peak amplitude of the 0.1 Hz Mayer wave.
    public var mayerAmplitudeMilliseconds: Double
    /// 0 ... 1: how far soothing music lowers arousal toward `floorArousal`.
    public var responsiveness: Double
    /// 0 ... 1: how fully breathing moves to a guide within reach.
    public var breathEntrainment: Double
    /// Music louder than this (plus a 2 LU margin) raises arousal.
    public var comfortableLoudnessLUFS: Double
    /// Time constants of arousal falling and rising (activation is faster than calming).
    public var calmingTimeConstantSeconds: Double
    public var activationTimeConstantSeconds: Double

    public init(
        name: String, restingArousal: Double, floorArousal: Double, heartRateAtZeroArousalBPM: Double,
        heartRateAtFullArousalBPM: Double, breathsPerMinuteAtZeroArousal: Double,
        breathsPerMinuteAtFullArousal: Double, rsaAmplitudeMilliseconds: Double, vagalToneAtFullArousal: Double,
        beatNoiseMilliseconds: Double, mayerAmplitudeMilliseconds: Double, responsiveness: Double,
        breathEntrainment: Double, comfortableLoudnessLUFS: Double, calmingTimeConstantSeconds: Double = 240,
        activationTimeConstantSeconds: Double = 90
    ) {
        self.name = name
        self.restingArousal = restingArousal
        self.floorArousal = floorArousal
        self.heartRateAtZeroArousalBPM = heartRateAtZeroArousalBPM
        self.heartRateAtFullArousalBPM = heartRateAtFullArousalBPM
        self.breathsPerMinuteAtZeroArousal = breathsPerMinuteAtZeroArousal
        self.breathsPerMinuteAtFullArousal = breathsPerMinuteAtFullArousal
        self.rsaAmplitudeMilliseconds = rsaAmplitudeMilliseconds
        self.vagalToneAtFullArousal = vagalToneAtFullArousal
        self.beatNoiseMilliseconds = beatNoiseMilliseconds
        self.mayerAmplitudeMilliseconds = mayerAmplitudeMilliseconds
        self.responsiveness = responsiveness
        self.breathEntrainment = breathEntrainment
        self.comfortableLoudnessLUFS = comfortableLoudnessLUFS
        self.calmingTimeConstantSeconds = calmingTimeConstantSeconds
        self.activationTimeConstantSeconds = activationTimeConstantSeconds
    }

    /// High heart rate (~91 bpm), fast breathing (~18.5/min), low RMSSD (~18 ms) at the start;
    /// responds to soothing music and follows a guide within reach.
    public static let anxious = ListenerProfile(
        name: "anxious", restingArousal: 0.85, floorArousal: 0.2, heartRateAtZeroArousalBPM: 60,
        heartRateAtFullArousalBPM: 96, breathsPerMinuteAtZeroArousal: 10, breathsPerMinuteAtFullArousal: 20,
        rsaAmplitudeMilliseconds: 50, vagalToneAtFullArousal: 0.25, beatNoiseMilliseconds: 16,
        mayerAmplitudeMilliseconds: 15, responsiveness: 0.9, breathEntrainment: 0.9,
        comfortableLoudnessLUFS: -24)

    /// Already at rest: ~62 bpm, ~12/min, RMSSD ~38 ms.
    public static let calm = ListenerProfile(
        name: "calm", restingArousal: 0.25, floorArousal: 0.1, heartRateAtZeroArousalBPM: 55,
        heartRateAtFullArousalBPM: 85, breathsPerMinuteAtZeroArousal: 10, breathsPerMinuteAtFullArousal: 18,
        rsaAmplitudeMilliseconds: 50, vagalToneAtFullArousal: 0.25, beatNoiseMilliseconds: 16,
        mayerAmplitudeMilliseconds: 15, responsiveness: 0.9, breathEntrainment: 0.9,
        comfortableLoudnessLUFS: -22)

    /// Moderately activated (~77 bpm, ~15/min) and unmoved: ignores the breathing guide entirely and
    /// barely responds to soothing music. What the controller must not chase.
    public static let nonResponder = ListenerProfile(
        name: "non-responder", restingArousal: 0.55, floorArousal: 0.5, heartRateAtZeroArousalBPM: 60,
        heartRateAtFullArousalBPM: 90, breathsPerMinuteAtZeroArousal: 11, breathsPerMinuteAtFullArousal: 19,
        rsaAmplitudeMilliseconds: 40, vagalToneAtFullArousal: 0.25, beatNoiseMilliseconds: 14,
        mayerAmplitudeMilliseconds: 15, responsiveness: 0.05, breathEntrainment: 0,
        comfortableLoudnessLUFS: -24)

    public static let all: [ListenerProfile] = [.anxious, .calm, .nonResponder]

    /// The profile with this name ("anxious", "calm", "non-responder"), for `--profile NAME`.
    public init?(name: String) {
        guard let profile = Self.all.first(where: { $0.name == name }) else { return nil }
        self = profile
    }
}
