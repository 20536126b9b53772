// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
import HRVCore

/// Lull's HRV against NeuroKit2 0.2.13 (the team's reference tool) on every shared recording,
/// per 5-minute window, through the same path `lull hrv` takes.
@Suite struct OracleAgreementTests {
    static let all = Fixtures.small + Fixtures.long

    @Test(arguments: all)
    func timeDomainMatchesNeuroKit2WithinOneThousandth(_ name: String) throws {
        try #require(Fixtures.small.contains(name) || Fixtures.sharedAvailable, "shared recordings not found")
        let oracle = try Fixtures.oracle(name)
        let series = RecordingAnalysis.beats(milliseconds: try Fixtures.recording(name))
        let (whole, windows) = RecordingAnalysis.windows(
            of: series, flags: [], windowSeconds: 300, spectral: false)
        #expect(windows.count == oracle.windows.count)
        var compared = 0
        for (ours, reference) in zip(windows, oracle.windows) {
            #expect(ours.index == reference.index && ours.partial == (reference.partial ?? false))
            #expect(ours.intervalCount == reference.n_rr)
            guard let t = ours.timeDomain, let meanRR = reference.mean_rr_ms else { continue }
            let pairs: [(String, Double?, Double?)] = [
                ("mean RR", t.meanRRMilliseconds, meanRR), ("mean HR", t.meanHeartRateBPM, reference.mean_hr_bpm),
                ("SDNN", t.sdnnMilliseconds, reference.sdnn_ms), ("RMSSD", t.rmssdMilliseconds, reference.rmssd_ms),
                ("pNN50", t.pnn50Percent, reference.pnn50_pct_nminus1), ("SD1", t.sd1Milliseconds, reference.sd1_ms),
                ("SD2", t.sd2Milliseconds, reference.sd2_ms),
            ]
            for (metric, value, expected) in pairs {
                let v = try #require(value, "\(metric) missing in window \(ours.index)")
                let e = try #require(expected)
                #expect(abs(v - e) <= 0.001 * max(abs(e), 1e-9), "\(name) window \(ours.index) \(metric): \(v) vs \(e)")
            }
            compared += 1
        }
        #expect(compared > 0)
        let w = try #require(whole.timeDomain)
        #expect(abs(w.rmssdMilliseconds! - oracle.whole.rmssd_ms!) <= 0.001 * oracle.whole.rmssd_ms!)
        #expect(abs(w.sdnnMilliseconds! - oracle.whole.sdnn_ms!) <= 0.001 * oracle.whole.sdnn_ms!)
    }

    @Test(arguments: all)
    func lfAndHFPowerMatchNeuroKit2WithinFivePercentInTheMedian(_ name: String) throws {
        try #require(Fixtures.small.contains(name) || Fixtures.sharedAvailable, "shared recordings not found")
        let oracle = try Fixtures.oracle(name)
        let series = RecordingAnalysis.beats(milliseconds: try Fixtures.recording(name))
        let (_, windows) = RecordingAnalysis.windows(of: series, flags: [], windowSeconds: 300)
        var lfErrors: [Double] = []
        var hfErrors: [Double] = []
        for (ours, reference) in zip(windows, oracle.windows) {
            guard let lf = reference.lf_ms2, let hf = reference.hf_ms2 else { continue }
            let f = try #require(ours.frequencyDomain, "\(name) window \(ours.index): no LF/HF")
            lfErrors.append(abs(f.lfMs2 / lf - 1))
            hfErrors.append(abs(f.hfMs2 / hf - 1))
        }
        try #require(!lfErrors.isEmpty)
        #expect(median(lfErrors) <= 0.05, "\(name): median LF error \(median(lfErrors))")
        #expect(median(hfErrors) <= 0.05, "\(name): median HF error \(median(hfErrors))")
    }

    /// Files with artifacts (the reference's Kubios pass flagged beats): corrected RMSSD within 10 %
    /// of NeuroKit2's Kubios-corrected value, median over windows.
    @Test(arguments: all)
    func correctedRMSSDMatchesNeuroKit2KubiosWithinTenPercent(_ name: String) throws {
        try #require(Fixtures.small.contains(name) || Fixtures.sharedAvailable, "shared recordings not found")
        let oracle = try Fixtures.oracle(name)
        guard let reference = oracle.corrected_windows else { return }  // no artifacts in the reference's eyes
        let series = RecordingAnalysis.filter(milliseconds: try Fixtures.recording(name))
        let (_, windows) = RecordingAnalysis.windows(
            of: series.corrected, flags: series.correctedFlags, windowSeconds: 300, spectral: false)
        var errors: [Double] = []
        for (ours, expected) in zip(windows, reference) {
            guard let e = expected.rmssd_ms, let v = ours.timeDomain?.rmssdMilliseconds else { continue }
            errors.append(abs(v / e - 1))
        }
        try #require(!errors.isEmpty)
        #expect(median(errors) <= 0.10, "\(name): median corrected-RMSSD error \(median(errors))")
    }

    private func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
