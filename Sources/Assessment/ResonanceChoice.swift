// SPDX-License-Identifier: Apache-2.0

/// The assessment's answer: the client's resonance rate, how sure, and why, in plain words.
public struct ResonanceResult: Sendable, Equatable {
    /// The chosen paced rate; nil when the data did not follow the pace or no step was usable.
    public var breathsPerMinute: Double?
    /// 0 ... 1: how far the chosen step stands from the next (see `ResonanceChoice`).
    public var confidence: Double
    public var reason: String
    /// True when the heart rhythm followed the paced steps (false: a recording, or a client who did
    /// not breathe with the guide; then no resonance is claimed).
    public var followedPace: Bool
    public var steps: [StepMetrics]

    public init(breathsPerMinute: Double?, confidence: Double, reason: String, followedPace: Bool, steps: [StepMetrics]) {
        self.breathsPerMinute = breathsPerMinute
        self.confidence = confidence
        self.reason = reason
        self.followedPace = followedPace
        self.steps = steps
    }
}

/// The choice among the steps by Shaffer & Meehan 2020's multi-criteria ranking (Front Neurosci
/// 14:570400, "selecting the RF": rank every tested rate on each criterion, add the ranks, the lowest
/// sum wins). Their criteria, and what stands for each here, all from RR alone:
/// 1. peak-to-trough heart-rate amplitude: `peakTroughBPM`, higher is better;
/// 2. LF power: `lfMs2`, higher;
/// 3. the highest LF peak: `lfPeakMs2`, higher;
/// 4. phase synchrony of heart rate and breathing (0° at resonance, Vaschillo et al. 2002):
///    `|phaseDegrees|`, lower;
/// 5. a single smooth rhythm rather than several LF peaks: `coherence` (one dominant peak over the
///    rest of the spectrum), higher.
/// How they are combined: the rank sum is weighted so that phase synchrony (weight 4) counts as much
/// as the four others together (weight 1 each). Phase is what defines resonance (the rate at which
/// heart rate and breathing oscillate in phase, Vaschillo et al. 2002 and 2006); the four others
/// all measure the size of one oscillation, so with equal weights the same evidence would be
/// counted four times, and size is confounded by the order of the steps (vagal tone rises as the
/// client settles over the protocol, enlarging the later, slower steps). In the closed-loop test
/// with 40 simulated listeners, equal weights found the resonance within 0.5/min in 32, this
/// weighting in 36. Tied values share the mean of their ranks; a tie of sums goes to the larger
/// peak-to-trough amplitude. Only usable steps whose rhythm followed the pace compete.
///
/// Confidence is the gap between the best weighted sum and the next, over the sum of the weights,
/// capped at 1: 1 when the next step trails on every criterion by a whole rank or more, 0 for a tie.
///
/// Following: a replayed recording, or a client who did not breathe with the guide, would still have
/// a best step; so no rate is chosen unless the heart rhythm's main LF peak sat at the paced rate in
/// most steps (at least 60 %) and moved with the pace (the slope of peak against pace at least 0.5).
public enum ResonanceChoice {
    /// Weights of peak-to-trough, LF power, LF peak, phase synchrony and coherence.
    static let weights: [Double] = [1, 1, 1, 4, 1]

    public static func choose(_ steps: [StepMetrics], protocol p: AssessmentProtocol = .default) -> ResonanceResult {
        let usable = steps.filter(\.usable)
        func rate(_ r: Double) -> String { formatted(r, 1) }
        guard !usable.isEmpty else {
            return ResonanceResult(
                breathsPerMinute: nil, confidence: 0,
                reason: "No step had enough clean heartbeat data to compare; the assessment should be repeated.",
                followedPace: false, steps: steps)
        }
        let followedCount = usable.filter(\.followed).count
        let needed = usable.count <= 2 ? usable.count : Int((0.6 * Double(usable.count)).rounded(.up))
        let slope = peakSlope(usable)
        let followed = followedCount >= needed && (slope.map { $0 >= 0.5 } ?? true)
        guard followed else {
            let peaks = usable.compactMap(\.peakHz).map { $0 * 60 }
            var where_ = ""
            if let low = peaks.min(), let high = peaks.max() {
                where_ =
                    low.distance(to: high) < 0.75
                    ? " Its main rhythm stayed near \(rate((low + high) / 2))/min"
                    : " Its main rhythm wandered between \(rate(low)) and \(rate(high))/min"
                where_ += " while the pace moved from \(rate(usable.first!.breathsPerMinute)) to \(rate(usable.last!.breathsPerMinute))/min."
            }
            return ResonanceResult(
                breathsPerMinute: nil, confidence: 0,
                reason: "The heart rhythm did not follow the paced breathing (\(followedCount) of \(usable.count) "
                    + "usable steps at the pace), so no resonance can be read from it.\(where_)",
                followedPace: false, steps: steps)
        }
        let candidates = usable.filter(\.followed)
        let sums = rankSums(candidates)
        let order = candidates.indices.sorted {
            sums[$0] != sums[$1]
                ? sums[$0] < sums[$1] : (candidates[$0].peakTroughBPM ?? 0) > (candidates[$1].peakTroughBPM ?? 0)
        }
        let best = candidates[order[0]]
        let confidence =
            order.count > 1 ? min(1, (sums[order[1]] - sums[order[0]]) / weights.reduce(0, +)) : 0
        var reason = "\(rate(best.breathsPerMinute))/min"
        var strengths: [String] = []
        if let pt = best.peakTroughBPM { strengths.append("heart-rate swings of \(formatted(pt, 1)) bpm per breath") }
        if let lf = best.lfMs2 { strengths.append("LF power \(formatted(lf, 0)) ms²") }
        if let phase = best.phaseDegrees { strengths.append("heart rate \(phaseWords(phase)) (\(formatted(phase, 0))°)") }
        reason += strengths.isEmpty ? "" : " showed " + strengths.joined(separator: ", ")
        if order.count > 1 {
            let next = candidates[order[1]]
            reason +=
                "; it ranked best on the five criteria together (weighted rank sum \(formatted(sums[order[0]], 1)) "
                + "against \(formatted(sums[order[1]], 1)) for \(rate(next.breathsPerMinute))/min)."
        } else {
            reason += "; it was the only usable step that followed the pace, so there was nothing to compare it with."
        }
        return ResonanceResult(
            breathsPerMinute: best.breathsPerMinute, confidence: confidence, reason: reason, followedPace: true,
            steps: steps)
    }

    /// Weighted sum over the criteria of each step's rank (1 = best; ties share the mean rank; a
    /// missing value ranks last).
    static func rankSums(_ steps: [StepMetrics]) -> [Double] {
        let values: [[Double]] = [
            steps.map { $0.peakTroughBPM ?? -.infinity },
            steps.map { $0.lfMs2 ?? -.infinity },
            steps.map { $0.lfPeakMs2 ?? -.infinity },
            steps.map { -(abs($0.phaseDegrees ?? 180)) },
            steps.map { $0.coherence ?? -.infinity },
        ]
        var sums = [Double](repeating: 0, count: steps.count)
        for (column, weight) in zip(values, weights) {
            for i in steps.indices {
                let better = column.filter { $0 > column[i] }.count
                let equal = column.filter { $0 == column[i] }.count
                sums[i] += weight * (Double(better) + Double(equal + 1) / 2)
            }
        }
        return sums
    }

    /// Least-squares slope of the LF peak (per minute) against the paced rate; nil below two rates.
    static func peakSlope(_ steps: [StepMetrics]) -> Double? {
        let pairs = steps.compactMap { s in s.peakHz.map { (s.breathsPerMinute, $0 * 60) } }
        guard Set(pairs.map(\.0)).count >= 2 else { return nil }
        let mx = pairs.map(\.0).reduce(0, +) / Double(pairs.count)
        let my = pairs.map(\.1).reduce(0, +) / Double(pairs.count)
        let sxy = pairs.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = pairs.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
        return sxy / sxx
    }

    static func phaseWords(_ degrees: Double) -> String {
        if abs(degrees) <= 30 { return "in step with the breath" }
        return degrees > 0 ? "ahead of the breath" : "behind the breath"
    }

    /// A number with `digits` decimals, without Foundation.
    static func formatted(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (abs(value) * scale).rounded()
        let whole = Int(rounded / scale)
        let sign = value < 0 && rounded > 0 ? "-" : ""
        guard digits > 0 else { return sign + "\(whole)" }
        var fraction = "\(Int(rounded) - whole * Int(scale))"
        while fraction.count < digits { fraction = "0" + fraction }
        return sign + "\(whole).\(fraction)"
    }
}
