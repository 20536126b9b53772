// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import HRVCore

@Suite struct WindowedHRVTests {
    /// Feeding beats one by one gives the same window values as analysing each window at once.
    @Test func streamingWindowsEqualBatchAnalysisOfEachWindow() throws {
        let beats = RecordingAnalysis.beats(milliseconds: try Fixtures.recording("nsrdb_pyhrv_60min"))
        let (_, windows) = RecordingAnalysis.windows(of: beats, flags: [], windowSeconds: 300, stepSeconds: 60)
        #expect(windows.count == Int(((beats.last!.beatTimeSeconds - 300) / 60).rounded(.down)) + 1)
        var welch = WelchSpectrum()
        for w in windows {
            let inside = beats.filter { $0.beatTimeSeconds > w.startSeconds && $0.beatTimeSeconds <= w.endSeconds }
            #expect(w.intervalCount == inside.count)
            let expected = SlidingTimeDomainTests.batch(inside.map(\.milliseconds)[...])
            let got = try #require(w.timeDomain)
            #expect(SlidingTimeDomainTests.close(got.rmssdMilliseconds, expected.rmssdMilliseconds))
            #expect(SlidingTimeDomainTests.close(got.sdnnMilliseconds, expected.sdnnMilliseconds, 1e-8))
            let times = inside.map(\.beatTimeSeconds)
            let rr = inside.map(\.milliseconds)
            let direct = times.withUnsafeBufferPointer { t in
                rr.withUnsafeBufferPointer { m in welch.analyse(times: t, milliseconds: m) }
            }
            #expect(w.frequencyDomain == direct)
        }
    }

    /// The reference rule: full windows, then a trailing remainder ≥ 0.9 W flagged partial.
    @Test func trailingRemainderOfNinetyPercentIsAPartialWindow() throws {
        // 570 beats of 1 s: one full 300 s window, then 270 s = 0.9 W.
        let beats = RecordingAnalysis.beats(milliseconds: [Double](repeating: 1000, count: 570))
        let (_, windows) = RecordingAnalysis.windows(of: beats, flags: [], windowSeconds: 300, spectral: false)
        #expect(windows.map(\.partial) == [false, true])
        #expect(windows.map(\.intervalCount) == [300, 270])
        let shorter = RecordingAnalysis.beats(milliseconds: [Double](repeating: 1000, count: 569))
        #expect(RecordingAnalysis.windows(of: shorter, flags: [], windowSeconds: 300, spectral: false).windows.count == 1)
    }

    @Test func shortRecordingHasNoSpectrumRatherThanZero() {
        let beats = RecordingAnalysis.beats(milliseconds: [Double](repeating: 900, count: 40))
        let (whole, _) = RecordingAnalysis.windows(of: beats, flags: [], windowSeconds: 300)
        #expect(whole.frequencyDomain == nil)
        #expect(whole.coherence == nil && whole.breathingRatePerMinute == nil)
        #expect(whole.timeDomain != nil)
    }
}
