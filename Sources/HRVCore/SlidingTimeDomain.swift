// SPDX-License-Identifier: Apache-2.0

/// Time-domain HRV over a sliding run of consecutive RR intervals, O(1) per added or removed beat.
///
/// Definitions follow the Task Force of the ESC and NASPE (1996), Circulation 93(5):1043-1065, and
/// NeuroKit2 `hrv_time` / `_hrv_nonlinear_poincare` (Makowski et al. 2021), which Lull is tested
/// against: SDNN is the sample SD (N-1); RMSSD = sqrt(mean(ΔRR²)); pNN50 counts |ΔRR| > 50 ms over
/// the N-1 successive differences (Task Force / Kubios convention; NeuroKit2 divides by N);
/// SD1 and SD2 are sample SDs of (RR[n+1] - RR[n])/√2 and (RR[n+1] + RR[n])/√2.
///
/// The window holds sums, not values: the caller owns the beats and tells the window which beat
/// leaves (and which one follows it), so one beat buffer can serve several windows.
public struct SlidingTimeDomain: Sendable {
    /// Values are summed relative to this reference (the first RR seen) so squares do not lose
    /// precision to the ~800 ms offset every RR interval carries.
    private var reference: Double?
    private var count = 0
    private var sum = CompensatedSum()
    private var sumSquares = CompensatedSum()
    private var diffSum = CompensatedSum()
    private var diffSquares = CompensatedSum()
    private var pairSum = CompensatedSum()
    private var pairSquares = CompensatedSum()
    private var nn50 = 0

    public init() {}

    /// Number of RR intervals in the window.
    public var intervalCount: Int { count }

    /// Adds `milliseconds` at the end; `previous` is the interval before it if that one is in the window.
    public mutating func append(_ milliseconds: Double, previous: Double?) {
        let k = reference ?? milliseconds
        reference = k
        let x = milliseconds - k
        count += 1
        sum.add(x)
        sumSquares.add(x * x)
        if let previous {
            let d = milliseconds - previous
            let p = x + (previous - k)
            diffSum.add(d)
            diffSquares.add(d * d)
            pairSum.add(p)
            pairSquares.add(p * p)
            if abs(d) > 50 { nn50 += 1 }
        }
    }

    /// Removes the oldest interval `milliseconds`; `next` is the interval after it if still in the window.
    public mutating func removeFirst(_ milliseconds: Double, next: Double?) {
        guard let k = reference, count > 0 else { return }
        let x = milliseconds - k
        count -= 1
        sum.add(-x)
        sumSquares.add(-(x * x))
        if let next {
            let d = next - milliseconds
            let p = x + (next - k)
            diffSum.add(-d)
            diffSquares.add(-(d * d))
            pairSum.add(-p)
            pairSquares.add(-(p * p))
            if abs(d) > 50 { nn50 -= 1 }
        }
        if count == 0 { self = SlidingTimeDomain() }
    }

    /// The metrics, or nil while the window is empty.
    public var metrics: TimeDomainMetrics? {
        guard count > 0, let k = reference else { return nil }
        let n = Double(count)
        let s1 = sum.value
        let mean = k + s1 / n
        let diffs = count - 1
        let m = Double(diffs)
        var sdnn: Double?
        var rmssd: Double?
        var pnn50: Double?
        var sd1: Double?
        var sd2: Double?
        if count >= 2 {
            sdnn = (max(0, sumSquares.value - s1 * s1 / n) / (n - 1)).squareRoot()
            rmssd = (max(0, diffSquares.value) / m).squareRoot()
            pnn50 = 100 * Double(nn50) / m
        }
        if diffs >= 2 {
            let d1 = diffSum.value
            let p1 = pairSum.value
            sd1 = (max(0, diffSquares.value - d1 * d1 / m) / (m - 1) / 2).squareRoot()
            sd2 = (max(0, pairSquares.value - p1 * p1 / m) / (m - 1) / 2).squareRoot()
        }
        return TimeDomainMetrics(
            count: count, meanRRMilliseconds: mean, meanHeartRateBPM: 60_000 / mean, sdnnMilliseconds: sdnn,
            rmssdMilliseconds: rmssd, pnn50Percent: pnn50, sd1Milliseconds: sd1, sd2Milliseconds: sd2
        )
    }
}
