// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import HRVCore

@Suite struct ArtifactFilterTests {
    /// A clean, gently varying series (0.25 Hz sinusoidal RSA of ±30 ms around 850 ms) with
    /// deterministic jitter, into which single artifacts are planted.
    static func clean(_ n: Int) -> [Double] {
        var state: UInt64 = 42
        return (0..<n).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let jitter = Double(state >> 40) / Double(1 << 24) * 10 - 5
            return 850 + 30 * sin(Double(i) * 0.3) + jitter
        }
    }

    static func run(
        _ rr: [Double], lookahead: Int = ArtifactFilter.minimumLookaheadBeats,
        correction: ArtifactFilter.Correction = .simultaneous
    ) -> [ArtifactDecision] {
        var filter = ArtifactFilter(lookaheadBeats: lookahead, correction: correction)
        var out: [ArtifactDecision] = []
        for beat in RecordingAnalysis.beats(milliseconds: rr) {
            filter.append(beat)
            while let d = filter.nextDecision() { out.append(d) }
        }
        filter.finish()
        while let d = filter.nextDecision() { out.append(d) }
        return out
    }

    @Test func cleanSeriesPassesUntouched() {
        let rr = Self.clean(300)
        let decisions = Self.run(rr)
        #expect(decisions.count == 300)
        #expect(decisions.allSatisfy { $0.flag == .ok })
        let corrected = decisions.flatMap { Array($0.corrected) }.map(\.milliseconds)
        #expect(corrected.count == rr.count)
        #expect(zip(corrected, rr).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func missedBeatIsFlaggedAndSplitInTwo() throws {
        var rr = Self.clean(200)
        let merged = rr[100] + rr[101]
        rr.replaceSubrange(100...101, with: [merged])
        let decisions = Self.run(rr)
        #expect(decisions[100].flag == .missed)
        #expect(decisions.filter { $0.flag != .ok }.count == 1)
        let halves = Array(decisions[100].corrected).map(\.milliseconds)
        #expect(halves.count == 2 && abs(halves[0] - merged / 2) < 1e-9 && abs(halves[1] - merged / 2) < 1e-9)
    }

    @Test func extraBeatIsFlaggedAndMerged() throws {
        var rr = Self.clean(200)
        let original = rr[100]
        rr.replaceSubrange(100...100, with: [original * 0.4, original * 0.6])
        let decisions = Self.run(rr)
        #expect(decisions[100].flag == .extra)
        #expect(decisions[100].corrected.count == 0)
        #expect(decisions.filter { $0.flag != .ok }.count <= 2)
        // The two short intervals are gone: everything near them is within 15 % of the usual length.
        let around = decisions[95...106].flatMap { Array($0.corrected) }.map(\.milliseconds)
        #expect(around.count == 11)
        #expect(around.allSatisfy { abs($0 - 850) < 0.15 * 850 }, "\(around)")
    }

    /// A premature beat and its compensatory pause: the short-long pair is flagged (the long one
    /// is the ectopic pattern of the paper's S11/S12 subspace), both are moved, the time is kept.
    @Test func prematureBeatPairIsFlaggedAndSmoothed() throws {
        var rr = Self.clean(200)
        let a = rr[100], b = rr[101]
        rr[100] = a * 0.65
        rr[101] = b + a * 0.35
        let decisions = Self.run(rr)
        #expect(decisions[101].flag == .ectopic)
        #expect(decisions[100].flag != .ok)
        #expect(decisions.filter { $0.flag != .ok }.count == 2)
        let pair = decisions[100...101].flatMap { Array($0.corrected) }.map(\.milliseconds)
        // Both are moved at once from their uncorrected neighbours (as NeuroKit2 does), so the
        // pair is evened out rather than made perfect: the 1:2 short/long ratio falls below 1:1.3.
        #expect(pair.count == 2 && pair.max()! / pair.min()! < 1.3, "\(pair)")
        let total = decisions.flatMap { Array($0.corrected) }.map(\.milliseconds).reduce(0, +)
        #expect(abs(total - rr.reduce(0, +)) < 1e-6)
    }

    /// Live (sequential) correction turns a premature beat and its pause into ordinary intervals:
    /// 520 + 1080 ms around 800 ms beats come out within 5 % of 800.
    @Test func sequentialCorrectionSmoothsAPrematureBeatPair() throws {
        var rr = [Double](repeating: 800, count: 200)
        for i in rr.indices { rr[i] += Double((i * 7919) % 13) - 6 }
        rr[100] = 520
        rr[101] = 1080
        let decisions = Self.run(rr, correction: .sequential)
        #expect(decisions[100].flag != .ok && decisions[101].flag != .ok)
        let around = decisions[99...102].flatMap { Array($0.corrected) }.map(\.milliseconds)
        #expect(around.count == 4)
        #expect(around.allSatisfy { abs($0 - 800) < 40 }, "\(around)")
    }

    @Test func beatsWithoutContactAreFlaggedAndLeftOut() {
        let rr = Self.clean(120)
        var filter = ArtifactFilter()
        var decisions: [ArtifactDecision] = []
        for (i, var beat) in RecordingAnalysis.beats(milliseconds: rr).enumerated() {
            beat.contact = !(60..<65).contains(i)
            filter.append(beat)
            while let d = filter.nextDecision() { decisions.append(d) }
        }
        filter.finish()
        while let d = filter.nextDecision() { decisions.append(d) }
        #expect(decisions[60..<65].allSatisfy { $0.flag == .noContact && $0.corrected.count == 0 })
        #expect(decisions.filter { $0.flag == .noContact }.count == 5)
    }

    /// Live use decides each beat 6 beats after it arrived (after the 46-beat warm-up).
    @Test func liveLookaheadIsSixBeats() {
        var filter = ArtifactFilter()
        let beats = RecordingAnalysis.beats(milliseconds: Self.clean(100))
        var decided = 0
        for (i, beat) in beats.enumerated() {
            filter.append(beat)
            while filter.nextDecision() != nil { decided += 1 }
            if i + 1 >= ArtifactFilter.warmUpBeats { #expect(decided == i + 1 - ArtifactFilter.minimumLookaheadBeats) }
        }
    }
}
