// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import HRVCore

@Suite struct SlidingTimeDomainTests {
    /// Batch definitions, written out plainly (Task Force 1996; pNN50 over N-1 differences).
    static func batch(_ x: ArraySlice<Double>) -> TimeDomainMetrics {
        let v = Array(x)
        let n = Double(v.count)
        let mean = v.reduce(0, +) / n
        let sdnn = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        let d = zip(v.dropFirst(), v).map { $0 - $1 }
        let rmssd = (d.map { $0 * $0 }.reduce(0, +) / Double(d.count)).squareRoot()
        let pnn50 = 100 * Double(d.filter { abs($0) > 50 }.count) / Double(d.count)
        func sd(_ a: [Double]) -> Double {
            let m = a.reduce(0, +) / Double(a.count)
            return (a.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(a.count - 1)).squareRoot()
        }
        let sd1 = sd(d.map { $0 / 2.0.squareRoot() })
        let sd2 = sd(zip(v.dropFirst(), v).map { ($0 + $1) / 2.0.squareRoot() })
        return TimeDomainMetrics(
            count: v.count, meanRRMilliseconds: mean, meanHeartRateBPM: 60_000 / mean, sdnnMilliseconds: sdnn,
            rmssdMilliseconds: rmssd, pnn50Percent: pnn50, sd1Milliseconds: sd1, sd2Milliseconds: sd2)
    }

    static func close(_ a: Double?, _ b: Double?, _ tolerance: Double = 1e-9) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    /// A 50-beat window slid over a whole recording: equal to the batch computation on every tail.
    @Test func slidingEqualsBatchOnEveryWindowOfARecording() throws {
        let rr = try Fixtures.recording("nsrdb_pyhrv_60min")
        var window = SlidingTimeDomain()
        let width = 50
        for i in rr.indices {
            window.append(rr[i], previous: i > 0 && i - 1 >= i - width + 1 ? rr[i - 1] : nil)
            if i >= width {
                window.removeFirst(rr[i - width], next: rr[i - width + 1])
            }
            let lo = max(0, i - width + 1)
            guard i - lo + 1 >= 3 else { continue }
            let expected = Self.batch(rr[lo...i])
            let got = try #require(window.metrics)
            #expect(got.count == expected.count)
            #expect(Self.close(got.meanRRMilliseconds, expected.meanRRMilliseconds))
            #expect(Self.close(got.sdnnMilliseconds, expected.sdnnMilliseconds, 1e-8))
            #expect(Self.close(got.rmssdMilliseconds, expected.rmssdMilliseconds))
            #expect(got.pnn50Percent == expected.pnn50Percent)
            #expect(Self.close(got.sd1Milliseconds, expected.sd1Milliseconds, 1e-8))
            #expect(Self.close(got.sd2Milliseconds, expected.sd2Milliseconds, 1e-8))
        }
    }

    /// Growing only (every prefix of a whole recording).
    @Test func growingWindowEqualsBatchOnEveryPrefix() throws {
        let rr = try Fixtures.recording("chf2db_chf208_excerpt_10min_artifacts")
        var window = SlidingTimeDomain()
        for i in rr.indices {
            window.append(rr[i], previous: i > 0 ? rr[i - 1] : nil)
            guard i >= 2 else { continue }
            let expected = Self.batch(rr[0...i])
            let got = try #require(window.metrics)
            #expect(Self.close(got.sdnnMilliseconds, expected.sdnnMilliseconds, 1e-8))
            #expect(Self.close(got.rmssdMilliseconds, expected.rmssdMilliseconds))
            #expect(Self.close(got.sd2Milliseconds, expected.sd2Milliseconds, 1e-8))
        }
    }

    /// Nearly equal values (a paced heart): the variance must not come out negative or NaN from
    /// cancellation, and must equal the batch value.
    @Test func nearlyEqualValuesStayStable() throws {
        var window = SlidingTimeDomain()
        var values: [Double] = []
        for i in 0..<2000 {
            let x = 1000 + (i % 2 == 0 ? 1e-6 : -1e-6)
            window.append(x, previous: values.last)
            values.append(x)
        }
        let got = try #require(window.metrics)
        let expected = Self.batch(values[...])
        #expect(got.sdnnMilliseconds! >= 0)
        #expect(Self.close(got.sdnnMilliseconds, expected.sdnnMilliseconds, 1e-6))
        #expect(Self.close(got.rmssdMilliseconds, expected.rmssdMilliseconds, 1e-6))
    }

    @Test func tooLittleDataGivesNilNotZero() {
        var window = SlidingTimeDomain()
        #expect(window.metrics == nil)
        window.append(800, previous: nil)
        let one = window.metrics
        #expect(one?.meanRRMilliseconds == 800)
        #expect(one?.sdnnMilliseconds == nil && one?.rmssdMilliseconds == nil && one?.sd1Milliseconds == nil)
    }
}
