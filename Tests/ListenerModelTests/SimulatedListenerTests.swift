// SPDX-License-Identifier: Apache-2.0
import HRVCore
@testable import ListenerModel
import Testing

@Suite struct SimulatedListenerTests {
    static let quietSlow = MusicState(tempoBPM: 60, loudnessLUFS: -32, swellBreathsPerMinute: 12, swellDepthLU: 0)

    @Test func theSameSeedGivesTheSameBeatsAndAnotherSeedOthers() {
        var a = SimulatedListener(profile: .anxious, seed: 7)
        var b = SimulatedListener(profile: .anxious, seed: 7)
        var c = SimulatedListener(profile: .anxious, seed: 8)
        let ra = RRSeries(&a, seconds: 60, music: .silence).beats
        let rb = RRSeries(&b, seconds: 60, music: .silence).beats
        let rc = RRSeries(&c, seconds: 60, music: .silence).beats
        #expect(ra == rb)
        #expect(ra.map(\.rrMilliseconds) != rc.map(\.rrMilliseconds))
    }

    /// Five minutes at rest without music land in the ranges the profiles document
    /// (Nunan et al. 2010 norms for calm; lower RMSSD, higher HR and faster breathing for anxious).
    @Test(arguments: [
        (ListenerProfile.anxious, 86.0...96.0, 10.0...25.0, 17.0...20.0),
        (.calm, 57.0...68.0, 28.0...55.0, 10.0...14.0),
        (.nonResponder, 72.0...82.0, 15.0...35.0, 14.0...17.0),
    ])
    func restingValuesMatchTheProfile(
        profile: ListenerProfile, heartRate: ClosedRange<Double>, rmssd: ClosedRange<Double>,
        breathing: ClosedRange<Double>
    ) {
        var listener = SimulatedListener(profile: profile, seed: 3)
        let series = RRSeries(&listener, seconds: 300, music: .silence)
        let meanBreathing = series.beats.map(\.truth.breathsPerMinute).reduce(0, +) / Double(series.beats.count)
        #expect(heartRate.contains(series.meanHeartRateBPM), "HR \(series.meanHeartRateBPM)")
        #expect(rmssd.contains(series.rmssdMilliseconds), "RMSSD \(series.rmssdMilliseconds)")
        #expect(breathing.contains(meanBreathing), "breathing \(meanBreathing)")
    }

    /// ECGSYN's two spectral peaks: the Mayer wave near 0.1 Hz and RSA at the breathing rate, with a
    /// valley between them.
    @Test func theRRSpectrumHasAMayerPeakAndARespiratoryPeak() {
        var listener = SimulatedListener(profile: .calm, seed: 5)
        let series = RRSeries(&listener, seconds: 600, music: .silence)
        let breathingHz = series.beats.map(\.truth.breathsPerMinute).reduce(0, +) / Double(series.beats.count) / 60
        let mayer = series.power(fromHz: 0.085, toHz: 0.115)
        let valley = series.power(fromHz: 0.135, toHz: 0.155)
        let respiratory = series.power(fromHz: breathingHz - 0.01, toHz: breathingHz + 0.01)
        #expect(mayer > 3 * valley, "Mayer \(mayer) valley \(valley)")
        #expect(respiratory > 10 * valley, "RSA \(respiratory) valley \(valley)")
    }

    /// HRVStream, fed by the simulated strap, finds the true breathing rate.
    @Test func hrvStreamRecoversTheTrueBreathingRate() throws {
        var listener = SimulatedListener(profile: .calm, seed: 9)
        var stream = HRVStream(configuration: .live)
        var last: (HRVSnapshot, SimulatedBeat)?
        for beat in RRSeries(&listener, seconds: 240, music: .silence).beats {
            last = (stream.append(beat.rrInterval), beat)
        }
        let (snapshot, beat) = try #require(last)
        let estimate = try #require(snapshot.breathingRatePerMinute)
        #expect(abs(estimate - beat.truth.breathsPerMinute) < 1.5)
    }

    @Test func rsaIsSeveralTimesLargerNearSixBreathsPerMinute() {
        let atSix = SimulatedListener.rsaGain(breathsPerMinute: 6)
        #expect(atSix > 2 * SimulatedListener.rsaGain(breathsPerMinute: 15))
        let faster = stride(from: 7.0, through: 30, by: 1).map { SimulatedListener.rsaGain(breathsPerMinute: $0) }
        #expect(zip(faster, faster.dropFirst()).allSatisfy { $0 > $1 })
    }

    @Test func breathingFollowsAGuideWithinReachAndIgnoresOneBeyond() throws {
        var start = SimulatedListener(profile: .anxious, seed: 1)
        let own = try #require(RRSeries(&start, seconds: 10, music: .silence).beats.last).truth.breathsPerMinute
        for (guide, follows) in [(0.8 * own, true), (0.5 * own, false)] {
            var listener = SimulatedListener(profile: .anxious, seed: 1)
            let music = MusicState(tempoBPM: 85, loudnessLUFS: -28, swellBreathsPerMinute: guide, swellDepthLU: 3)
            let last = try #require(RRSeries(&listener, seconds: 120, music: music).beats.last).truth
            #expect(last.followingGuide == follows)
            if follows {
                #expect(abs(last.breathsPerMinute - guide) < 1.5, "breathing \(last.breathsPerMinute), guide \(guide)")
            } else {
                #expect(last.breathsPerMinute > own - 2, "breathing \(last.breathsPerMinute), own \(own)")
            }
        }
    }

    @Test func theNonResponderIgnoresEvenAGuideWithinReach() throws {
        var listener = SimulatedListener(profile: .nonResponder, seed: 2)
        let music = MusicState(tempoBPM: 70, loudnessLUFS: -28, swellBreathsPerMinute: 13, swellDepthLU: 3)
        let beats = RRSeries(&listener, seconds: 180, music: music).beats
        #expect(beats.allSatisfy { !$0.truth.followingGuide })
        #expect(try #require(beats.last).truth.breathsPerMinute > 14)
    }

    @Test func arousalFallsUnderSlowSoftMusicAndNotInSilence() throws {
        var silent = SimulatedListener(profile: .anxious, seed: 4)
        var soothed = SimulatedListener(profile: .anxious, seed: 4)
        let inSilence = try #require(RRSeries(&silent, seconds: 600, music: .silence).beats.last).truth.arousal
        let underMusic = try #require(RRSeries(&soothed, seconds: 600, music: Self.quietSlow).beats.last).truth.arousal
        #expect(abs(inSilence - ListenerProfile.anxious.restingArousal) < 0.1)
        #expect(underMusic < inSilence - 0.25)
    }

    @Test func arousalRisesUnderMusicMuchFasterAndLouderThanTheListener() throws {
        var listener = SimulatedListener(profile: .calm, seed: 4)
        let loudFast = MusicState(tempoBPM: 110, loudnessLUFS: -14, swellBreathsPerMinute: 12, swellDepthLU: 0)
        let arousal = try #require(RRSeries(&listener, seconds: 300, music: loudFast).beats.last).truth.arousal
        #expect(arousal > ListenerProfile.calm.restingArousal + 0.3)
    }

    @Test func anAbruptJumpStartles() throws {
        func arousalAfter(jump: Bool) throws -> Double {
            var listener = SimulatedListener(profile: .calm, seed: 6)
            _ = RRSeries(&listener, seconds: 60, music: Self.quietSlow)
            var music = Self.quietSlow
            if jump { music.loudnessLUFS += 8 }
            return try #require(RRSeries(&listener, seconds: 3, music: music).beats.last).truth.arousal
        }
        #expect(try arousalAfter(jump: true) > arousalAfter(jump: false) + 0.015)
    }

    /// Tension on the arousal scale: music much tenser than the listener activates them, music a
    /// little calmer than them calms them more than the same music at their own tension, and music
    /// far calmer than them does not meet them.
    @Test func tensionActivatesWhenFarAboveAndCalmsWhenALittleBelow() throws {
        func arousal(_ profile: ListenerProfile, tension: Double, seed: UInt64 = 8) throws -> Double {
            var listener = SimulatedListener(profile: profile, seed: seed)
            var music = Self.quietSlow
            music.tension = tension
            let beats = RRSeries(&listener, seconds: 600, music: music).beats
            // The mean of the last five minutes, past the arousal's time constants.
            let tail = beats.suffix(beats.count / 2)
            return tail.map(\.truth.arousal).reduce(0, +) / Double(tail.count)
        }
        let calm = ListenerProfile.calm
        let calmAtOwn = try arousal(calm, tension: calm.restingArousal)
        let calmUnderTense = try arousal(calm, tension: 1)
        #expect(calmUnderTense > calmAtOwn + 0.15, "\(calmUnderTense) against \(calmAtOwn)")
        let anxious = ListenerProfile.anxious
        let atOwn = try arousal(anxious, tension: 0.85)
        let aLittleCalmer = try arousal(anxious, tension: 0.7)
        #expect(aLittleCalmer < atOwn - 0.03, "\(aLittleCalmer) against \(atOwn)")
        // At one moment (the effect is on where their arousal is heading, so it is compared at the
        // same arousal): far calmer music does almost nothing, a little calmer lowers, much tenser raises.
        let effect = { (tension: Double) in
            SimulatedListener.tensionEffect(musicTension: tension, arousal: 0.85, profile: anxious)
        }
        #expect(effect(0.7) < -0.05)
        #expect(abs(effect(0.1)) < 0.005)
        #expect(abs(effect(0.85)) < abs(effect(0.7)) / 2)
        #expect(SimulatedListener.tensionEffect(musicTension: 1, arousal: 0.25, profile: calm) > 0.25)
    }
}
