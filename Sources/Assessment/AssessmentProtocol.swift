// SPDX-License-Identifier: Apache-2.0

/// The stepped paced-breathing protocol of a resonance-frequency assessment (Lehrer, Vaschillo &
/// Vaschillo 2000, "Resonant frequency biofeedback training to increase cardiac variability", Appl
/// Psychophysiol Biofeedback 25(3):177-191; Shaffer & Meehan 2020, "A practical guide to resonance
/// frequency assessment for heart rate variability biofeedback", Front Neurosci 14:570400): a settle
/// period at the client's own rate (no pacer), then a few minutes at each paced rate, slowest last.
public struct AssessmentProtocol: Sendable, Equatable {
    /// Breathing at their own rate first: no pacer, the music already calm and steady.
    public var settleSeconds: Double = 60
    /// The paced rates, in the order they are breathed (Shaffer & Meehan 2020 step down by 0.5/min).
    public var ratesBreathsPerMinute: [Double] = [6.5, 6.0, 5.5, 5.0, 4.5]
    /// Length of each step (Shaffer & Meehan 2020 use 2 min; at least 1 min so a step holds 4+ breaths).
    public var stepSeconds: Double = 120
    /// The start of each step is left out of its analysis: the breath and the baroreflex take a few
    /// breaths to settle on a new pace (Vaschillo et al. 2006 discard the transition too).
    public var transientSeconds: Double = 15
    /// A step is usable when its clean beats cover at least this fraction of its analysed time...
    public var minimumCleanFraction: Double = 0.7
    /// ...and no more than this percentage of its beats were flagged.
    public var maximumArtifactPercent: Double = 20
    /// A step with too little clean data is breathed once more; a second failure marks it unusable.
    public var repeatUnusableSteps: Bool = true
    /// Peak-to-trough depth of the pacing swell.
    public var swellDepthLU: Double = 4
    /// A paced step counts as followed when the heart rhythm's main low-frequency peak lies within
    /// this of the paced rate.
    public var followToleranceBreathsPerMinute: Double = 0.5

    public init() {}

    public init(ratesBreathsPerMinute: [Double], stepSeconds: Double) {
        self.ratesBreathsPerMinute = ratesBreathsPerMinute
        self.stepSeconds = stepSeconds
    }

    public static let `default` = AssessmentProtocol()

    /// Settle plus every step once: the length when nothing is repeated.
    public var nominalSeconds: Double { settleSeconds + Double(ratesBreathsPerMinute.count) * stepSeconds }
    /// Settle plus every step twice: the longest an assessment can take.
    public var longestSeconds: Double {
        settleSeconds + Double(ratesBreathsPerMinute.count) * stepSeconds * (repeatUnusableSteps ? 2 : 1)
    }
}
