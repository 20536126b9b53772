// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import HRVCore

@Suite struct HRVStreamTests {
    /// The live stream's one-minute RMSSD equals the batch RMSSD of the corrected beats of the last
    /// minute, and breathing and coherence appear once a minute of data is in.
    @Test func liveSnapshotsCarryTheMetricsOfTheLastMinute() throws {
        let beats = RespiratorySpectrumTests.series(breathsPerMinute: 12, rsa: 40, seconds: 240, noise: 10)
        var stream = HRVStream()
        var last: HRVSnapshot?
        for (i, b) in beats.enumerated() {
            let s = stream.append(b)
            if i < 10 { #expect(s.breathingRatePerMinute == nil) }
            last = s
        }
        let s = try #require(last)
        #expect(s.flag == .ok && s.artifactPercent == 0)
        let breathing = try #require(s.breathingRatePerMinute)
        #expect(abs(breathing - 12) < 0.5)
        #expect(try #require(s.coherence) > 0)
        // Corrected series lags 6 beats: compare with the beats that had been decided.
        let decided = beats.dropLast(ArtifactFilter.minimumLookaheadBeats)
        let end = decided.last!.beatTimeSeconds
        let inWindow = decided.filter { $0.beatTimeSeconds > end - 60 }.map(\.milliseconds)
        let expected = SlidingTimeDomainTests.batch(inWindow[...])
        #expect(SlidingTimeDomainTests.close(s.rmssdMilliseconds, expected.rmssdMilliseconds))
        #expect(SlidingTimeDomainTests.close(s.heartRateBPM, expected.meanHeartRateBPM))
        #expect(s.rawTimeDomain?.count == beats.filter { $0.beatTimeSeconds > beats.last!.beatTimeSeconds - 60 }.count)
    }

    @Test func artifactsRaiseTheArtifactPercentage() throws {
        var rr = ArtifactFilterTests.clean(200)
        for i in stride(from: 60, to: 200, by: 20) { rr[i] *= 1.8 }
        var stream = HRVStream()
        var snapshots: [HRVSnapshot] = []
        for b in RecordingAnalysis.beats(milliseconds: rr) { snapshots.append(stream.append(b)) }
        #expect(snapshots.contains { $0.flag != .ok })
        #expect(try #require(snapshots.last).artifactPercent > 0)
    }
}
