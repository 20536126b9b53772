// SPDX-License-Identifier: Apache-2.0
import Guidance
import HRVCore
import ListenerModel
import Testing

@Suite struct IsoControllerTests {
    static let twentyMinutes = 1200.0

    /// A listener whose heart rate falls from the upper to the lower bound of `heartRateBPM` and whose
    /// RMSSD rises across `rmssdMilliseconds` over 20 minutes, breathing with the guide after 2 minutes.
    static func calmingFollower(
        heartRateBPM: ClosedRange<Double>, rmssdMilliseconds: ClosedRange<Double>, ownBreathsPerMinute: Double
    ) -> (Double, MusicTarget) -> ScriptedState {
        { t, music in
            let calming = min(t / 1200, 1)
            return ScriptedState(
                heartRateBPM: heartRateBPM.upperBound - (heartRateBPM.upperBound - heartRateBPM.lowerBound) * calming,
                rmssdMilliseconds: rmssdMilliseconds.lowerBound
                    + (rmssdMilliseconds.upperBound - rmssdMilliseconds.lowerBound) * calming,
                breathsPerMinute: t < 120 ? ownBreathsPerMinute : music.swellBreathsPerMinute)
        }
    }

    @Test func phaseAndReasonRawValuesAreTheJournalSpelling() {
        #expect(GuidancePhase.allCases.map(\.rawValue) == ["match", "lead", "hold", "close"])
        #expect(HoldReason.allCases.map(\.rawValue) == ["not_following", "activated"])
        #expect(FreezeReason.gap.rawValue == "gap")
    }

    @Test func isSilentAndFrozenUntilTheFirstHeartRate() {
        var controller = IsoController(plannedSessionSeconds: Self.twentyMinutes)
        let target = controller.update(snapshot: Scripted.snapshot(at: 3, ScriptedState()), sessionSeconds: 3)
        #expect(target.envelopeGain == 0)
        #expect(target.freezeReason == .noData)
        #expect(target.tempoBPM == GuidanceConfiguration.default.initialTempoBPM)
        #expect(controller.matchedTempoBPM == nil)
    }

    @Test func theFirstHeartRateSetsTheTempoAndTheMusicFadesIn() {
        var controller = IsoController(plannedSessionSeconds: Self.twentyMinutes)
        let rows = Scripted.drive(&controller, from: 5, to: 40) { _, _ in ScriptedState(heartRateBPM: 92) }
        #expect(rows[0].target.tempoBPM == 92)
        #expect(rows[0].target.envelopeGain == 0)
        #expect(abs(rows[10].target.envelopeGain - 0.5) < 1e-9)
        #expect(rows.last?.target.envelopeGain == 1)
        #expect(rows.allSatisfy { $0.target.phase == .match && $0.target.freezeReason == nil })
    }

    @Test func theMatchPhaseTracksTheHeartWithinTheTempoBound() {
        var controller = IsoController(plannedSessionSeconds: Self.twentyMinutes)
        // The heart rate jumps by 20 bpm after a minute: once the 60-s median has taken the jump the
        // tempo follows at 3 BPM/min, no faster.
        let rows = Scripted.drive(&controller, to: 170) { t, _ in ScriptedState(heartRateBPM: t < 60 ? 70 : 90) }
        #expect(rows[60].target.tempoBPM == 70)
        #expect(abs(rows[170].target.tempoBPM - rows[130].target.tempoBPM - 2) < 1e-9)
        #expect(SessionBounds().violations(rows).isEmpty)
        #expect(controller.matchedTempoBPM == rows.last?.target.tempoBPM)
    }

    /// A listener who follows the guide and calms down is led to resonance breathing and to the
    /// tempo floor, and no further.
    @Test func aFollowerWhoCalmsIsLedToResonanceAndTheTempoFloor() throws {
        var controller = IsoController(plannedSessionSeconds: 3600)
        let rows = Scripted.drive(
            &controller, to: 3400,
            Self.calmingFollower(heartRateBPM: 75...90, rmssdMilliseconds: 18...38, ownBreathsPerMinute: 18))
        let matched = try #require(controller.matchedTempoBPM)
        let lowestTempo = try #require(rows.map(\.target.tempoBPM).min())
        let lowestGuide = try #require(rows.map(\.target.swellBreathsPerMinute).min())
        #expect(abs(lowestTempo - matched * 0.6) < 1e-6)
        #expect(abs(lowestGuide - 6) < 1e-6)
        #expect(!rows.contains { $0.target.phase == .hold })
        #expect(rows.contains { $0.target.phase == .lead })
        #expect(SessionBounds().violations(rows).isEmpty)
    }

    /// A slow heart (matched at 55 BPM) is led no lower than the absolute floor, 40 BPM, not to 33.
    @Test func theTempoNeverGoesBelowTheAbsoluteFloor() throws {
        var controller = IsoController(plannedSessionSeconds: 3600)
        let rows = Scripted.drive(
            &controller, to: 3400,
            Self.calmingFollower(heartRateBPM: 50...55, rmssdMilliseconds: 40...60, ownBreathsPerMinute: 12))
        #expect(try #require(controller.matchedTempoBPM) == 55)
        #expect(abs(try #require(rows.map(\.target.tempoBPM).min()) - 40) < 1e-9)
    }

    /// Following alone is one sign of calm; without a second the tempo stops 15 % below the start.
    @Test func withoutEvidenceOfCalmTheTempoStopsAtTheUnconfirmedDrop() throws {
        var controller = IsoController(plannedSessionSeconds: 3600)
        let rows = Scripted.drive(&controller, to: 2400) { t, music in
            ScriptedState(
                heartRateBPM: 80, rmssdMilliseconds: 30, breathsPerMinute: t < 120 ? 15 : music.swellBreathsPerMinute)
        }
        let matched = try #require(controller.matchedTempoBPM)
        let lowest = try #require(rows.map(\.target.tempoBPM).min())
        #expect(abs(lowest - matched * 0.85) < 1e-6)
    }

    /// Open loop, or a listener who ignores the guide: hold, step the guide back, never chase them.
    @Test func aListenerWhoDoesNotFollowIsHeldAndTheGuideStepsBack() throws {
        var controller = IsoController(plannedSessionSeconds: Self.twentyMinutes)
        let rows = Scripted.drive(&controller, to: 1000) { _, _ in
            ScriptedState(heartRateBPM: 75, rmssdMilliseconds: 30, breathsPerMinute: 16)
        }
        let firstHold = try #require(rows.firstIndex { $0.target.phase == .hold })
        #expect(rows[firstHold].target.holdReason == .notFollowing)
        let lowestGuide = try #require(rows.map(\.target.swellBreathsPerMinute).min())
        #expect(lowestGuide >= 0.75 * 16 - 1e-9)
        // While held, the guide steps back toward 90 % of their rate and the tempo does not move.
        let held = rows[firstHold...].prefix { $0.target.phase == .hold }
        #expect(held.count >= 120)
        #expect(held.last!.target.swellBreathsPerMinute > held.first!.target.swellBreathsPerMinute)
        #expect(held.last!.target.swellBreathsPerMinute <= 0.9 * 16 + 1e-9)
        #expect(Set(held.dropFirst().map(\.target.tempoBPM)).count == 1)
        let matched = try #require(controller.matchedTempoBPM)
        #expect(rows.allSatisfy { $0.target.tempoBPM >= matched * 0.85 - 1e-9 })
        #expect(SessionBounds().violations(rows).isEmpty)
    }

    @Test func aRisingHeartRateHoldsAtOnceAndTheTempoStepsBackTowardThem() throws {
        var controller = IsoController(plannedSessionSeconds: 3600)
        let rows = Scripted.drive(&controller, to: 900) { t, music in
            ScriptedState(
                heartRateBPM: t < 600 ? 85 : 95, rmssdMilliseconds: 25,
                breathsPerMinute: t < 120 ? 16 : music.swellBreathsPerMinute)
        }
        let matched = try #require(controller.matchedTempoBPM)
        let before = rows[599].target
        #expect(before.phase == .lead)
        let hold = try #require(rows.first { $0.seconds > 600 && $0.target.phase == .hold })
        #expect(hold.target.holdReason == .activated)
        #expect(hold.seconds < 660)
        #expect(try #require(rows.last).target.tempoBPM > before.tempoBPM)
        #expect(rows.allSatisfy { $0.target.tempoBPM <= matched + 1e-9 })
        #expect(SessionBounds().violations(rows).isEmpty)
    }

    @Test(arguments: [
        (ScriptedState(heartRateBPM: 80, flag: .ectopic), FreezeReason.artifact),
        (ScriptedState(heartRateBPM: 80, flag: .missed), .artifact),
        (ScriptedState(heartRateBPM: 80, contact: false), .noContact),
        (ScriptedState(heartRateBPM: 80, flag: .noContact), .noContact),
        (ScriptedState(heartRateBPM: 80, artifactPercent: 40), .artifactBurden),
        (ScriptedState(heartRateBPM: nil), .noData),
    ])
    func untrustedDataFreezesTheMusic(state: ScriptedState, reason: FreezeReason) {
        var controller = IsoController(plannedSessionSeconds: Self.twentyMinutes)
        _ = Scripted.drive(&controller, to: 400) { _, music in
            ScriptedState(heartRateBPM: 90, rmssdMilliseconds: 20, breathsPerMinute: music.swellBreathsPerMinute)
        }
        var before = controller.target
        #expect(before.phase == .lead)
        let after = controller.update(snapshot: Scripted.snapshot(at: 420, state), sessionSeconds: 420)
        #expect(after.freezeReason == reason)
        before.freezeReason = reason
        #expect(after == before)
    }

    /// A 60-s strap gap moves nothing; the lead resumes afterwards as if the gap had lasted 5 s.
    @Test func aGapFreezesTheLead() {
        var controller = IsoController(plannedSessionSeconds: Self.twentyMinutes)
        let follower: (Double, MusicTarget) -> ScriptedState = { _, music in
            ScriptedState(heartRateBPM: 90, rmssdMilliseconds: 20, breathsPerMinute: music.swellBreathsPerMinute)
        }
        var rows = Scripted.drive(&controller, to: 400, follower)
        let before = controller.target
        var duringGap: [MusicTarget] = []
        for t in stride(from: 401.0, through: 460, by: 1) {
            duringGap.append(controller.update(sessionSeconds: t, signal: .gap))
            rows.append(SessionRow(seconds: t, snapshot: nil, target: duringGap.last!, truth: nil))
        }
        var frozen = before
        frozen.freezeReason = .gap
        #expect(duringGap.allSatisfy { $0 == frozen })
        rows += Scripted.drive(&controller, from: 461, to: 520, follower)
        // 60 s of lead at 2 BPM/min after the gap is 2 BPM; the gap itself is credited 5 s at most.
        let drop = before.tempoBPM - controller.target.tempoBPM
        #expect(drop > 1.9 && drop < 2.3)
        #expect(SessionBounds().violations(rows).isEmpty)
    }

    /// The close runs on the clock alone: a strap gap over the last minutes still ends softly, on time.
    @Test func theCloseEndsSoftlyAtThePlannedLengthEvenThroughAGap() throws {
        var controller = IsoController(plannedSessionSeconds: Self.twentyMinutes)
        var rows = Scripted.drive(&controller, to: 1100) { _, music in
            ScriptedState(heartRateBPM: 80, rmssdMilliseconds: 30, breathsPerMinute: music.swellBreathsPerMinute)
        }
        for t in stride(from: 1101.0, through: Self.twentyMinutes, by: 1) {
            rows.append(
                SessionRow(
                    seconds: t, snapshot: nil, target: controller.update(sessionSeconds: t, signal: .gap), truth: nil))
        }
        let close = rows.filter { $0.seconds >= Self.twentyMinutes - 120 }
        #expect(close.allSatisfy { $0.target.phase == .close })
        let start = try #require(close.first).target
        let end = try #require(close.last).target
        #expect(end.envelopeGain == 0)
        #expect(rows.first { $0.seconds == Self.twentyMinutes - 30 }?.target.envelopeGain == 1)
        #expect(end.loudnessLUFS < start.loudnessLUFS - 1.9)
        #expect(end.swellDepthLU < start.swellDepthLU)
        #expect(end.tempoBPM < start.tempoBPM)
        // Never a cut: the envelope falls by at most 1/30 per second.
        for (a, b) in zip(close, close.dropFirst()) {
            #expect(a.target.envelopeGain - b.target.envelopeGain <= (b.seconds - a.seconds) / 30 + 1e-9)
        }
        #expect(SessionBounds().violations(rows).isEmpty)
    }

    @Test func theSwellPeakNeverExceedsTheCeiling() {
        var configuration = GuidanceConfiguration()
        configuration.matchLoudnessLUFS = -17
        configuration.ceilingLoudnessLUFS = -18
        var controller = IsoController(configuration: configuration, plannedSessionSeconds: Self.twentyMinutes)
        let rows = Scripted.drive(&controller, to: Self.twentyMinutes) { _, music in
            ScriptedState(heartRateBPM: 80, rmssdMilliseconds: 30, breathsPerMinute: music.swellBreathsPerMinute)
        }
        #expect(rows.allSatisfy { $0.target.peakLoudnessLUFS <= -18 + 1e-9 })
        #expect(rows.contains { $0.target.swellDepthLU > 0 })
        #expect(SessionBounds(configuration: configuration).violations(rows).isEmpty)
    }

    @Test func timeThatRunsBackwardsMovesNothing() {
        var controller = IsoController(plannedSessionSeconds: Self.twentyMinutes)
        _ = Scripted.drive(&controller, to: 400) { _, music in
            ScriptedState(heartRateBPM: 90, rmssdMilliseconds: 20, breathsPerMinute: music.swellBreathsPerMinute)
        }
        let before = controller.target
        let after = controller.update(
            snapshot: Scripted.snapshot(at: 100, ScriptedState(heartRateBPM: 60, breathsPerMinute: 6)),
            sessionSeconds: 100)
        #expect(after.tempoBPM == before.tempoBPM)
        #expect(after.loudnessLUFS == before.loudnessLUFS)
        #expect(after.swellBreathsPerMinute == before.swellBreathsPerMinute)
    }

    /// Whatever arrives (wild heart rates, junk breathing estimates, flags, gaps, irregular beats),
    /// every output stays within every bound.
    @Test(arguments: [UInt64(11), 12, 13, 14])
    func boundsHoldForArbitraryInput(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var controller = IsoController(plannedSessionSeconds: 900)
        var rows: [SessionRow] = []
        var t = 0.0
        var heartRate = 60 + 60 * random.nextUnit()
        while t < 900 {
            t += 0.3 + 1.5 * random.nextUnit()
            if random.nextUnit() < 0.01 { t += 20 * random.nextUnit() }
            heartRate = min(max(heartRate + 4 * random.nextGaussian(), 30), 200)
            let roll = random.nextUnit()
            let target: MusicTarget
            if roll < 0.03 {
                target = controller.update(sessionSeconds: t, signal: .gap)
            } else {
                let state = ScriptedState(
                    heartRateBPM: roll < 0.05 ? nil : heartRate, rmssdMilliseconds: 5 + 150 * random.nextUnit(),
                    breathsPerMinute: roll < 0.3 ? nil : 3 + 27 * random.nextUnit(),
                    flag: roll < 0.1 ? .ectopic : .ok, contact: roll < 0.12 ? false : true,
                    artifactPercent: 30 * random.nextUnit())
                target = controller.update(snapshot: Scripted.snapshot(at: t, state), sessionSeconds: t)
            }
            rows.append(SessionRow(seconds: t, snapshot: nil, target: target, truth: nil))
        }
        let violations = SessionBounds().violations(rows)
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(Set(rows.map(\.target.phase)).isSuperset(of: [.match, .close]))
    }
}
