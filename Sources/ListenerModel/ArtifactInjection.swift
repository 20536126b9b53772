// SPDX-License-Identifier: Apache-2.0

/// The kinds of fault the simulated strap can inject (Lipponen & Tarvainen 2019's beat classes, plus
/// the strap's own failures).
public enum InjectedArtifact: String, Sendable, Hashable, CaseIterable {
    /// A premature beat: a short interval (65 % of the true one) then a compensatory long one.
    /// Both delivered intervals carry this mark.
    case ectopic
    /// A beat the strap did not detect: two true intervals delivered as one.
    case missed
    /// A beat detected that was not there (e.g. a T wave): one true interval delivered as two.
    case extra
    /// The strap reports no skin contact; intervals keep coming but are noisy (sd 60 ms).
    case contactLoss = "contact_loss"
    /// Nothing is delivered for a while; this mark is on the first beat after the silence.
    case dropout
}

/// How often the simulated strap injects each fault. Drawn from its own generator, so the listener's
/// physiology is the same stream with and without artifacts (only the music's reaction differs).
public struct ArtifactInjection: Sendable, Equatable {
    /// Probability per true beat of an ectopic, missed or extra beat (one of the three, equally likely).
    public var beatArtifactProbability: Double
    /// Contact-loss episodes per minute, and how long each lasts.
    public var contactLossesPerMinute: Double
    public var contactLossSeconds: Double
    /// Dropouts (no data) per minute, and how long each lasts.
    public var dropoutsPerMinute: Double
    public var dropoutSeconds: Double

    public init(
        beatArtifactProbability: Double = 0, contactLossesPerMinute: Double = 0, contactLossSeconds: Double = 8,
        dropoutsPerMinute: Double = 0, dropoutSeconds: Double = 10
    ) {
        self.beatArtifactProbability = beatArtifactProbability
        self.contactLossesPerMinute = contactLossesPerMinute
        self.contactLossSeconds = contactLossSeconds
        self.dropoutsPerMinute = dropoutsPerMinute
        self.dropoutSeconds = dropoutSeconds
    }

    /// A clean strap.
    public static let none = ArtifactInjection()

    /// Ectopic, missed and extra beats only, at `probability` per beat (0.05 = 5 %).
    public static func beats(probability: Double) -> ArtifactInjection {
        ArtifactInjection(beatArtifactProbability: probability)
    }
}
