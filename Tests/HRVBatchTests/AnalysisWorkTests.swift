// SPDX-License-Identifier: Apache-2.0
import Foundation
import HRVCore
import Testing

@testable import HRVBatch
@testable import LullWire

/// `lull hrv`'s analysis on two cores gives what one pass of HRVCore gives, window by window.
@Suite struct AnalysisWorkTests {
    /// 20 minutes of beats around 800 ms with a 0.25 Hz respiratory swing of ±40 ms.
    static let milliseconds: [Double] = {
        var t = 0.0
        return (0..<1_500).map { _ in
            let rr = 800 + 40 * sin(2 * Double.pi * 0.25 * t)
            t += rr / 1000
            return rr
        }
    }()

    @Test func windowsTileTheRecordingAndTheWholeMatchesTheSeries() throws {
        let (report, _) = AnalysisWork.analyse(
            Self.milliseconds, file: "synthetic", windowSeconds: 300, stepSeconds: 300, json: false)
        let total = Self.milliseconds.reduce(0, +) / 1000
        // Window k holds beats with k*300 < t <= k*300 + 300: whole windows only, plus a partial
        // remainder of at least 0.9 * 300 s.
        let whole = Int(total / 300)
        #expect(report.raw.windows.count == whole + (total - Double(whole) * 300 >= 270 ? 1 : 0))
        #expect(report.raw.windows.map(\.intervalCount).reduce(0, +) <= Self.milliseconds.count)
        let mean = try #require(report.raw.whole.timeDomain?.meanRRMilliseconds)
        #expect(abs(mean - Self.milliseconds.reduce(0, +) / Double(Self.milliseconds.count)) < 1e-9)
        // A clean series: raw and corrected agree (to the filter's touch on its edge beats).
        let raw = try #require(report.raw.whole.timeDomain?.rmssdMilliseconds)
        let corrected = try #require(report.corrected.whole.timeDomain?.rmssdMilliseconds)
        #expect(abs(raw - corrected) / raw < 1e-3)
        // The breathing swing at 0.25 Hz is 15 breaths a minute.
        let breathing = try #require(report.raw.whole.breathingRatePerMinute)
        #expect(abs(breathing - 15) < 1)
    }

    @Test func jsonPartsAreTheWindowsInOrder() throws {
        let (report, work) = AnalysisWork.analyse(
            Self.milliseconds, file: "synthetic", windowSeconds: 120, stepSeconds: 60, json: true)
        var bytes: [UInt8] = []
        report.writeJSON(windowParts: work.jsonParts()) { (part: UnsafeBufferPointer<UInt8>) in bytes.append(contentsOf: part) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let windows = try #require(object["windows"] as? [[String: Any]])
        #expect(windows.count > 10)
        #expect(windows.enumerated().allSatisfy { $0.offset == $0.element["index"] as? Int })
        #expect(object["n_rr"] as? Int == Self.milliseconds.count)
    }
}
