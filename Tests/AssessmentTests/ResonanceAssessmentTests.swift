// SPDX-License-Identifier: Apache-2.0
import Assessment
import Guidance
import HRVCore
import ListenerModel
import Session
import Testing

/// The assessment in a closed loop with the simulated listener: the listener hears the pacer the
/// engine sets (rate, depth and phase), the engine hears the listener's beats.
func assess(
    resonance: ListenerResonance?, seed: UInt64, profile: ListenerProfile = .anxious,
    artifacts: ArtifactInjection = .none, protocol p: AssessmentProtocol = .default
) -> (ResonanceResult, [SessionState]) {
    var engine = SessionEngine(assessment: p)
    var listener = SimulatedListener(profile: profile, seed: seed, artifacts: artifacts, resonance: resonance)
    var states: [SessionState] = []
    while !engine.assessmentComplete {
        let t = engine.target
        let music = MusicState(
            tempoBPM: t.tempoBPM, loudnessLUFS: t.heardLoudnessLUFS, swellBreathsPerMinute: t.swellBreathsPerMinute,
            swellDepthLU: t.swellDepthLU, swellPhaseRadians: engine.guidePhaseRadians)
        let beat = listener.nextBeat(music: music)
        guard beat.beatTimeSeconds <= engine.plannedSeconds else { break }
        states.append(engine.receive(beat.rrInterval))
    }
    return (engine.finishAssessment()!, states)
}

@Suite struct ResonanceAssessmentTests {
    @Test func findsTheSimulatedResonanceInAtLeastEightOfTenListeners() {
        var hits = 0
        var report: [String] = []
        for i in 0..<10 {
            let truth = 4.5 + 2 * Double(i) / 9
            let (result, _) = assess(resonance: ListenerResonance(breathsPerMinute: truth), seed: UInt64(100 + i))
            let found = result.breathsPerMinute
            if let found, abs(found - truth) <= 0.5 { hits += 1 }
            report.append("\(truth) -> \(found.map { "\($0)" } ?? "none") (\(result.confidence))")
        }
        #expect(hits >= 8, "\(report)")
    }

    @Test func theProtocolRunsSettleThenEveryStepAtExactlyItsRate() {
        let (result, states) = assess(resonance: ListenerResonance(breathsPerMinute: 5.5), seed: 3)
        #expect(result.steps.map(\.breathsPerMinute) == [6.5, 6.0, 5.5, 5.0, 4.5])
        #expect(result.steps.allSatisfy { $0.usable && $0.attempts == 1 })
        let settle = states.filter { $0.assessment?.phase == .settle }
        #expect(settle.allSatisfy { $0.target.swellDepthLU == 0 })
        #expect(abs((settle.last?.seconds ?? 0) - 60) < 2)
        for (index, rate) in [6.5, 6.0, 5.5, 5.0, 4.5].enumerated() {
            let step = states.filter { $0.assessment?.stepIndex == index }
            #expect(!step.isEmpty)
            #expect(step.allSatisfy { $0.target.swellBreathsPerMinute == rate && $0.target.swellDepthLU == 4 })
        }
        // Calm and steady: the tempo is matched once (before the music fades in) and held.
        let tempos = Set(states.filter { $0.target.envelopeGain > 0 }.map(\.target.tempoBPM))
        #expect(tempos.count == 1)
        #expect(result.followedPace)
        #expect(result.confidence > 0)
    }

    @Test func aListenerWhoDoesNotFollowGetsNoResonance() {
        // The non-responder ignores every guide (no resonance model: its breathing stays its own).
        let (result, _) = assess(resonance: nil, seed: 4, profile: .nonResponder)
        #expect(result.breathsPerMinute == nil)
        #expect(!result.followedPace)
        #expect(result.reason.contains("did not follow"))
    }

    @Test func aStepSpoiledByArtifactsIsBreathedAgain() {
        var p = AssessmentProtocol(ratesBreathsPerMinute: [6.0, 5.0], stepSeconds: 60)
        p.maximumArtifactPercent = 0
        let (result, states) = assess(
            resonance: ListenerResonance(breathsPerMinute: 5.5), seed: 5, artifacts: .beats(probability: 0.1),
            protocol: p)
        #expect(result.steps.allSatisfy { !$0.usable })
        #expect(result.steps.contains { $0.attempts == 2 })
        #expect(states.contains { $0.assessment?.attempt == 2 })
        #expect(result.breathsPerMinute == nil)
        #expect(result.reason.contains("No step"))
    }

    @Test func rankSumsFollowShafferAndMeehan() {
        func step(_ rate: Double, _ pt: Double, _ lf: Double, _ phase: Double) -> StepMetrics {
            StepMetrics(
                breathsPerMinute: rate, peakTroughBPM: pt, lfPeakMs2: lf / 2, lfMs2: lf, peakHz: rate / 60,
                rmssdMilliseconds: 40, coherence: lf / 1000, phaseDegrees: phase, artifactPercent: 0, usable: true,
                followed: true, attempts: 1)
        }
        let steps = [step(6.5, 8, 900, -40), step(6.0, 10, 1500, -10), step(5.5, 9, 1200, 20)]
        let result = ResonanceChoice.choose(steps)
        #expect(result.breathsPerMinute == 6.0)
        // 6.0 is first on all five criteria (weighted sum 8); 5.5 second on all five (16).
        #expect(result.confidence == 1)
        #expect(result.reason.hasPrefix("6.0/min showed"))
    }
}
