// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import HRVCore

/// A whole recording of millions of beats has its spectrum computed in blocks (transforms of a
/// block of samples and a run of bins, turned to the block's place) so that `lull hrv` does not
/// hold a transform the size of the recording. Cut small, the blocks must give the one-transform
/// spectrum of a real recording.
@Suite struct BlockedSpectrumTests {
    @Test(arguments: [
        WelchSpectrum.Blocking(largestTransform: 4_096, blockSamples: 2_048, blockBins: 2_048),
        WelchSpectrum.Blocking(largestTransform: 4_096, blockSamples: 1_000, blockBins: 3_000),
        WelchSpectrum.Blocking(largestTransform: 4_096, blockSamples: 3_001, blockBins: 777),
    ])
    func blocksGiveTheSpectrumOfOneTransform(_ blocking: WelchSpectrum.Blocking) throws {
        // An hour: 14,400 grid points, segments of 7,200 and 1,440 bins below 0.4 Hz.
        let beats = RecordingAnalysis.beats(milliseconds: try Fixtures.recording("nsrdb_pyhrv_60min"))
        let whole = try #require(RecordingAnalysis.frequencyDomain(of: beats))
        let blocked = try #require(RecordingAnalysis.frequencyDomain(of: beats, blocking: blocking))
        #expect(abs(blocked.lfMs2 - whole.lfMs2) <= 1e-6 * whole.lfMs2, "LF \(blocked.lfMs2) against \(whole.lfMs2)")
        #expect(abs(blocked.hfMs2 - whole.hfMs2) <= 1e-6 * whole.hfMs2, "HF \(blocked.hfMs2) against \(whole.hfMs2)")
        // And it really was blocked: a transform that held the segment and its bins is larger.
        #expect(beats.count > 3_000 && blocking.largestTransform < 7_200 + 2 * 1_440)
    }
}
