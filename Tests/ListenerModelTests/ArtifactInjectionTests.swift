// SPDX-License-Identifier: Apache-2.0
import ListenerModel
import Testing

@Suite struct ArtifactInjectionTests {
    static let twentyMinutes = 1200.0

    @Test func beatArtifactsAreInjectedAtTheConfiguredRate() {
        var listener = SimulatedListener(profile: .calm, seed: 1, artifacts: .beats(probability: 0.05))
        let beats = RRSeries(&listener, seconds: Self.twentyMinutes, music: .silence).beats
        // An ectopic or extra beat marks two delivered intervals, a missed beat one for two true beats.
        let ectopic = beats.filter { $0.truth.injectedArtifact == .ectopic }.count / 2
        let extra = beats.filter { $0.truth.injectedArtifact == .extra }.count / 2
        let missed = beats.filter { $0.truth.injectedArtifact == .missed }.count
        let trueBeats = beats.count - extra + missed
        let rate = Double(ectopic + extra + missed) / Double(trueBeats)
        #expect(abs(rate - 0.05) < 0.015, "rate \(rate)")
        #expect(ectopic > 0 && extra > 0 && missed > 0)
    }

    /// Each kind has its textbook shape (Lipponen & Tarvainen 2019, Figure 1).
    @Test func eachKindHasItsShape() {
        var listener = SimulatedListener(profile: .calm, seed: 2, artifacts: .beats(probability: 0.05))
        let beats = RRSeries(&listener, seconds: Self.twentyMinutes, music: .silence).beats
        let typical =
            beats.filter { $0.truth.injectedArtifact == nil }.map(\.rrMilliseconds).reduce(0, +)
            / Double(beats.filter { $0.truth.injectedArtifact == nil }.count)
        for beat in beats where beat.truth.injectedArtifact == .missed {
            #expect(beat.rrMilliseconds > 1.5 * typical)
        }
        for (a, b) in zip(beats, beats.dropFirst())
        where a.truth.injectedArtifact == .extra && b.truth.injectedArtifact == .extra
            && a.rrMilliseconds < b.rrMilliseconds
        {
            #expect(
                a.rrMilliseconds < 0.6 * typical && abs(a.rrMilliseconds + b.rrMilliseconds - typical) < 0.4 * typical)
        }
        // Delivered times always advance.
        #expect(zip(beats, beats.dropFirst()).allSatisfy { $0.beatTimeSeconds < $1.beatTimeSeconds })
    }

    @Test func contactLossAndDropoutsLookLikeAStrapFailing() {
        let artifacts = ArtifactInjection(
            contactLossesPerMinute: 0.5, contactLossSeconds: 8, dropoutsPerMinute: 0.5, dropoutSeconds: 10)
        var listener = SimulatedListener(profile: .calm, seed: 3, artifacts: artifacts)
        let beats = RRSeries(&listener, seconds: Self.twentyMinutes, music: .silence).beats
        let noContact = beats.filter { !$0.contact }
        #expect(!noContact.isEmpty)
        #expect(noContact.allSatisfy { $0.truth.injectedArtifact == .contactLoss })
        let dropouts = zip(beats, beats.dropFirst()).filter { $1.truth.injectedArtifact == .dropout }
        #expect(!dropouts.isEmpty)
        #expect(dropouts.allSatisfy { $1.beatTimeSeconds - $0.beatTimeSeconds >= 10 })
    }

    /// The strap's faults come from their own generator: every beat the strap delivers untouched is
    /// the same beat, at the same time, as in the clean run.
    @Test func artifactsDoNotChangeTheListenersPhysiology() {
        var clean = SimulatedListener(profile: .anxious, seed: 4)
        var noisy = SimulatedListener(profile: .anxious, seed: 4, artifacts: .beats(probability: 0.05))
        let cleanBeats = RRSeries(&clean, seconds: 600, music: .silence).beats
        let noisyBeats = RRSeries(&noisy, seconds: 590, music: .silence).beats
        let cleanByTime = Dictionary(uniqueKeysWithValues: cleanBeats.map { ($0.beatTimeSeconds, $0.rrMilliseconds) })
        let untouched = noisyBeats.filter { $0.truth.injectedArtifact == nil }
        #expect(untouched.count > noisyBeats.count * 8 / 10)
        #expect(untouched.allSatisfy { cleanByTime[$0.beatTimeSeconds] == $0.rrMilliseconds })
    }
}
