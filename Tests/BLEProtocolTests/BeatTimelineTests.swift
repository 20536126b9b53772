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
        // The strap's clock runs fast: a beat "at" 11 s cannot arrive at 10.75 s.
        let beats = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, rrIntervals1024: [1024]), arrivalSeconds: 10.75)
        #expect(beats.map(\.beatTimeSeconds) == [10.75])
        #expect(timeline.reanchorCount == 1)
    }

    @Test func noContactBeatsAreFlaggedAndEmptyNotificationsYieldNothing() {
        var timeline = BeatTimeline()
        let flagged = timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, contact: .notDetected, rrIntervals1024: [1000]), arrivalSeconds: 5)
        #expect(flagged.map(\.contact) == [false])
        #expect(timeline.beats(of: HeartRateMeasurement(heartRateBPM: 60, hasRRIntervalField: true), arrivalSeconds: 6).isEmpty)
    }
}
