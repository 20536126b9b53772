// SPDX-License-Identifier: Apache-2.0
import Guidance
import HRVCore
import ListenerModel
import Testing

/// The music's tension under the iso principle: matched to the listener's state at the start (against
/// their own baseline or the norms), led down at its own bound, held when they do not follow, and
/// stepped back toward them when they activate.
@Suite struct TensionGuidanceTests {
    @Test func theReferenceScoresAnAnxiousStateTenseAndARestingOneCalm() throws {
        let norms = TensionReference.population
        let anxious = try #require(
            norms.tension(heartRateBPM: 90, rmssdMilliseconds: 17, breathsPerMinute: 18, calmTension: 0.1))
        #expect(abs(anxious - (0.1 + 0.9 * (1 + 1 + 0.5) / 3)) < 1e-12)
        let resting = try #require(
            norms.tension(heartRateBPM: 68, rmssdMilliseconds: 50, breathsPerMinute: 12, calmTension: 0.1))
        #expect(resting == 0.1)
        #expect(norms.tension(heartRateBPM: nil, rmssdMilliseconds: 30, breathsPerMinute: 12, calmTension: 0.1) == nil)
        // Against a client whose own settled state is HR 85, RMSSD 20, 16/min, the same anxious
        // numbers are much less tense than against the norms.
        let own = TensionReference.client(heartRateBPM: 85, rmssdMilliseconds: 20, breathsPerMinute: 16, sessions: 3)
        let againstOwn = try #require(
            own.tension(heartRateBPM: 90, rmssdMilliseconds: 17, breathsPerMinute: 18, calmTension: 0.1))
        #expect(againstOwn < 0.45)
        #expect(own.source == .client && own.sessions == 3)
    }

    @Test func anAnxiousListenerIsMetInMinorAndACalmOneInMajor() throws {
        for (profile, range) in [(ListenerProfile.anxious, 0.7...1.0), (.calm, 0.0...0.4)] {
            var controller = IsoController(plannedSessionSeconds: 1200)
            let rows = ClosedLoopSession.run(profile: profile, seed: 3, controller: &controller)
            let matched = try #require(controller.matchedTension)
            #expect(range.contains(matched), "\(profile.name): matched tension \(matched)")
            // The match phase's audible tension ends where the matched tension is.
            let lastMatch = try #require(rows.last { $0.target.phase == .match })
            #expect(lastMatch.target.tension == matched)
        }
    }

    @Test func theLeadTakesTensionDownNoFasterThanItsBoundAndEndsCalm() throws {
        var configuration = GuidanceConfiguration()
        configuration.maxTensionSlewPerMinute = 0.05
        configuration.leadTensionPerMinute = 0.05
        var controller = IsoController(configuration: configuration, plannedSessionSeconds: 1200)
        let rows = ClosedLoopSession.run(profile: .anxious, seed: 2, controller: &controller)
        #expect(SessionBounds(configuration: configuration).violations(rows).isEmpty)
        let matched = try #require(controller.matchedTension)
        let last = try #require(rows.last).target.tension
        // 0.05 a minute for at most the 17 minutes after the match phase.
        #expect(last >= matched - 0.05 * 17 - 1e-9)
        #expect(last < matched - 0.3)
        // With the default pace (0.1 a minute) the same listener ends at the calm end.
        var fast = IsoController(plannedSessionSeconds: 1200)
        let fastRows = ClosedLoopSession.run(profile: .anxious, seed: 2, controller: &fast)
        #expect(try #require(fastRows.last).target.tension == GuidanceConfiguration.default.calmTension)
    }

    /// Without evidence of calm the lead stops `unconfirmedTensionDrop` below the matched tension, and
    /// a listener who does not follow is held: the tension waits with the tempo.
    @Test func aListenerWhoDoesNotFollowKeepsTheTensionWaiting() throws {
        var controller = IsoController(plannedSessionSeconds: 3600)
        let rows = Scripted.drive(&controller, to: 2400) { _, _ in
            ScriptedState(heartRateBPM: 88, rmssdMilliseconds: 18, breathsPerMinute: 18)
        }
        let matched = try #require(controller.matchedTension)
        #expect(matched > 0.7)
        let lowest = try #require(rows.map(\.target.tension).min())
        #expect(lowest >= matched - 0.3 - 1e-9)
        let held = rows.filter { $0.target.phase == .hold }
        #expect(held.count > 300)
        for (a, b) in zip(held, held.dropFirst()) where b.seconds - a.seconds <= 1 {
            #expect(b.target.tension >= a.target.tension - 1e-12, "the tension fell in hold at \(b.seconds) s")
        }
        #expect(SessionBounds().violations(rows).isEmpty)
    }

    @Test func anActivatedListenerGetsTheTensionSteppedBackTowardThemButNotAboveTheMatch() throws {
        var controller = IsoController(plannedSessionSeconds: 3600)
        let rows = Scripted.drive(&controller, to: 1500) { t, music in
            // Following and calming until 900 s, then their heart rate jumps by 17 bpm.
            let calming = min(t / 900, 1)
            return ScriptedState(
                heartRateBPM: t < 900 ? 88 - 8 * calming : 97, rmssdMilliseconds: t < 900 ? 18 + 12 * calming : 15,
                breathsPerMinute: t < 120 ? 17 : music.swellBreathsPerMinute)
        }
        let matched = try #require(controller.matchedTension)
        let before = rows[899].target
        #expect(before.phase == .lead)
        #expect(before.tension < matched - 0.2)
        let hold = try #require(rows.first { $0.seconds > 900 && $0.target.phase == .hold })
        #expect(hold.target.holdReason == .activated)
        let last = try #require(rows.last).target
        #expect(last.tension > before.tension + 0.2)
        #expect(rows.allSatisfy { $0.target.tension <= matched + 1e-9 || $0.target.phase == .match })
        #expect(SessionBounds().violations(rows).isEmpty)
    }
}
