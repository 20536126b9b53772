// SPDX-License-Identifier: Apache-2.0
import Guidance
import HRVCore
import ListenerModel
import Testing

/// The claims, checked in a closed loop: simulated listener -> HRVStream -> IsoController,
/// 20 simulated minutes per run, no audio. The listener is a test model (see `SimulatedListener`):
/// these runs show the controller's mechanics work against the model's assumptions, not that music
/// calms anyone.
@Suite struct ClosedLoopTests {
    static let seeds: [UInt64] = Array(1...10)

    @Test func anxiousListenersCalmInAtLeastEightOfTenSeeds() {
        var calmed = 0
        for seed in Self.seeds {
            let summary = SessionSummary(ClosedLoopSession.run(profile: .anxious, seed: seed))
            let ok = summary.rmssdRiseFraction >= 0.30 && summary.heartRateDropBPM >= 5
            if ok { calmed += 1 }
            print(
                "anxious seed \(seed): HR \(summary.firstHeartRateBPM) -> \(summary.lastHeartRateBPM) bpm,",
                "RMSSD \(summary.firstRMSSDMilliseconds) -> \(summary.lastRMSSDMilliseconds) ms,",
                "breathing \(summary.firstBreathsPerMinute) -> \(summary.lastBreathsPerMinute)/min, ok \(ok)")
        }
        #expect(calmed >= 8)
    }

    /// Without the lead (the music stays matched: same tempo pace 0, guide at their own rate, match
    /// level) the same listeners must not reach the criterion, or the test above proves nothing
    /// about the controller.
    @Test func matchingAloneDoesNotMeetTheCriterion() {
        var configuration = GuidanceConfiguration()
        configuration.leadTempoBPMPerMinute = 0
        configuration.leadTensionPerMinute = 0
        configuration.guideStepFraction = 1
        configuration.leadLoudnessLUFS = configuration.matchLoudnessLUFS
        var calmed = 0
        for seed in Self.seeds.prefix(3) {
            let summary = SessionSummary(
                ClosedLoopSession.run(profile: .anxious, seed: seed, configuration: configuration))
            if summary.rmssdRiseFraction >= 0.30 && summary.heartRateDropBPM >= 5 { calmed += 1 }
            print(
                "match-only seed \(seed): HR drop \(summary.heartRateDropBPM) bpm,",
                "RMSSD rise \(summary.rmssdRiseFraction * 100) %")
        }
        #expect(calmed == 0)
    }

    @Test(arguments: [ListenerProfile.anxious, .calm, .nonResponder])
    func boundsHoldOnEveryBeatWithArtifactsAndGaps(profile: ListenerProfile) {
        let artifacts = ArtifactInjection(
            beatArtifactProbability: 0.03, contactLossesPerMinute: 0.3, dropoutsPerMinute: 0.2, dropoutSeconds: 15)
        for seed in Self.seeds.prefix(3) {
            let rows = ClosedLoopSession.run(profile: profile, seed: seed, artifacts: artifacts)
            let violations = SessionBounds().violations(rows)
            #expect(violations.isEmpty, "\(profile.name) seed \(seed): \(violations.prefix(5))")
            #expect(rows.contains { $0.target.freezeReason == .gap })
            #expect(rows.last?.target.phase == .close)
            #expect((rows.last?.target.envelopeGain ?? 1) < 0.05)
        }
    }

    @Test func nonResponderIsHeldAndTheTempoStaysWithinThirtyFivePercent() throws {
        for seed in Self.seeds.prefix(5) {
            let rows = ClosedLoopSession.run(profile: .nonResponder, seed: seed)
            let matched = try #require(SessionBounds.matchedStartTempoBPM(rows))
            let lowest = try #require(rows.filter { $0.target.envelopeGain > 0 }.map(\.target.tempoBPM).min())
            let held = rows.contains { $0.target.phase == .hold }
            print("non-responder seed \(seed): matched \(matched) BPM, lowest \(lowest) BPM, held \(held)")
            #expect(held)
            #expect(lowest >= matched * 0.65)
        }
    }

    @Test func fivePercentArtifactsMoveTheTempoLessThanOneBPMRMS() {
        for seed in Self.seeds.prefix(5) {
            let clean = ClosedLoopSession.run(profile: .anxious, seed: seed)
            let noisy = ClosedLoopSession.run(profile: .anxious, seed: seed, artifacts: .beats(probability: 0.05))
            let rms = Self.rmsDifference(clean, noisy)
            let injected = noisy.filter { $0.truth?.injectedArtifact != nil }.count
            print("artifacts seed \(seed): \(injected) of \(noisy.count) beats injected, tempo RMS \(rms) BPM")
            #expect(rms < 1)
        }
    }

    /// RMS difference of the two tempo trajectories, sampled once a second (step-held).
    static func rmsDifference(_ a: [SessionRow], _ b: [SessionRow]) -> Double {
        let end = min(a.last?.seconds ?? 0, b.last?.seconds ?? 0)
        var i = 0
        var j = 0
        var sum = 0.0
        var count = 0
        var t = 1.0
        while t <= end {
            while i + 1 < a.count && a[i + 1].seconds <= t { i += 1 }
            while j + 1 < b.count && b[j + 1].seconds <= t { j += 1 }
            let d = a[i].target.tempoBPM - b[j].target.tempoBPM
            sum += d * d
            count += 1
            t += 1
        }
        return count > 0 ? (sum / Double(count)).squareRoot() : .nan
    }
}
