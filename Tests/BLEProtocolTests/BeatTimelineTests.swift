// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import BLEProtocol

@Suite struct BeatTimelineTests {
    @Test func firstNotificationPutsItsLastBeatAtArrival() {
        var timeline = BeatTimeline()
        let beats = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024, 512]), arrivalSeconds: 100)
        #expect(beats.map(\.beatTimeSeconds) == [99.5, 100])
        #expect(beats.map(\.milliseconds) == [1000, 500])
        #expect(beats.map(\.contact) == [true, true])
    }

    @Test func beatTimesFollowTheRRSumNotTheJitteryArrivals() {
        var timeline = BeatTimeline()
        _ = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024]), arrivalSeconds: 10)
        // Arrives 0.3 s late: the beat is still placed one RR after the previous one.
        let beats = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024]), arrivalSeconds: 11.3)
        #expect(beats.map(\.beatTimeSeconds) == [11])
        #expect(timeline.reanchorCount == 0)
    }

    @Test func reanchorsWhenBeatsWentMissing() {
        var timeline = BeatTimeline()
        _ = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024]), arrivalSeconds: 10)
        // A 20 s gap (a reconnection): the sum says 11 s, arrival says 31 s, far beyond 3 s of lag.
        let beats = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024, 1024]), arrivalSeconds: 31)
        #expect(beats.map(\.beatTimeSeconds) == [30, 31])
        #expect(timeline.reanchorCount == 1)
    }

    @Test func reanchorsWhenTheSumRunsAheadOfArrival() {
        var timeline = BeatTimeline()
        _ = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024]), arrivalSeconds: 10)
        // 0.1 s early is within the allowed lead (the first anchor's own lateness): no re-anchor.
        let early = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024]), arrivalSeconds: 10.9)
        #expect(early.map(\.beatTimeSeconds) == [11])
        #expect(timeline.reanchorCount == 0)
        // Two more beats "ending at 13 s" cannot have arrived at 11.2 s: 1.8 s is past the 1.5 s allowance.
        let beats = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024, 1024]), arrivalSeconds: 11.2)
        #expect(beats.map(\.beatTimeSeconds) == [10.2, 11.2])
        #expect(timeline.reanchorCount == 1)
    }

    @Test func aNewLinkReanchorsEvenAfterAShortGap() {
        var timeline = BeatTimeline()
        _ = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024]), arrivalSeconds: 10)
        timeline.linkRestarted()
        // 1.5 s later, within the 3 s lag the sum would tolerate: the new link still anchors afresh.
        let beats = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [512]), arrivalSeconds: 11.5)
        #expect(beats.map(\.beatTimeSeconds) == [11.5])
        #expect(timeline.reanchorCount == 1)
    }

    @Test func noContactBeatsAreFlaggedAndEmptyNotificationsYieldNothing() {
        var timeline = BeatTimeline()
        let flagged = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, contact: .notDetected, rrIntervals1024: [1000]), arrivalSeconds: 5)
        #expect(flagged.map(\.contact) == [false])
        #expect(timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, hasRRIntervalField: true), arrivalSeconds: 6).isEmpty)
    }
}
