// SPDX-License-Identifier: Apache-2.0
public import HRVCore
public import Guidance

/// Means of one stretch of the session.
public struct SessionPeriod: Sendable, Equatable {
    public var heartRateBPM: Double?
    public var rmssdMilliseconds: Double?
    public var breathingRatePerMinute: Double?
    public var coherence: Double?
}

/// What a session came to: the first 5 minutes against the last 5, time to calm, artifacts, gaps.
public struct SessionSummary: Sendable, Equatable {
    public var durationSeconds: Double
    public var endedEarly: Bool
    public var beats: Int
    /// Means over the first and the last 5 minutes (or the first and last third of a shorter session).
    public var first: SessionPeriod
    public var last: SessionPeriod
    /// When the listener first stayed calm for a minute: RMSSD at least 30 % above and heart rate at
    /// least 5 bpm below the first period's means, both held for 60 s. Nil if never.
    public var timeToCalmSeconds: Double?
    public var artifacts: ArtifactCounts
    /// Strap gaps: silences longer than 3 s or lost links.
    public var strapGaps: Int
    public var strapGapSeconds: Double
    public var matchedTempoBPM: Double?
    public var finalTempoBPM: Double?
    public var phaseSeconds: [String: Double]
    /// The music's tension as matched at the start and as it ended (nil in an assessment).
    public var matchedTension: Double? = nil
    public var finalTension: Double? = nil
    /// What the tension was matched against: the client's own baseline or population norms.
    public var tensionReference: TensionReference? = nil
}

/// Accumulates the summary beat by beat.
struct SummaryAccumulator: Sendable {
    static let periodSeconds = 300.0
    static let gapThresholdSeconds = 3.0
    static let calmHoldSeconds = 60.0

    let plannedSeconds: Double
    var samples: [(t: Double, hr: Double?, rmssd: Double?, breathing: Double?, coherence: Double?)] = []
    var artifacts = ArtifactCounts()
    var beats = 0
    var lastBeatSeconds: Double?
    var gaps = 0
    var gapSeconds = 0.0
    var lostSince: Double?
    var inSilence = false
    var finalTempo: Double?
    var finalTension: Double?
    var phaseSeconds: [String: Double] = [:]
    var lastPhase: (name: String, since: Double)?

    init(plannedSeconds: Double) { self.plannedSeconds = plannedSeconds }

    mutating func add(beat: RRInterval, snapshot: HRVSnapshot, target: MusicTarget) {
        let t = beat.beatTimeSeconds
        if let last = lastBeatSeconds, t - last > Self.gapThresholdSeconds, lostSince == nil, !inSilence {
            gaps += 1
            gapSeconds += t - last
        }
        if inSilence, let last = lastBeatSeconds { gapSeconds += t - last }
        inSilence = false
        lastBeatSeconds = t
        beats += 1
        artifacts.count(beat.contact ? snapshot.flag : .noContact, 1)
        samples.append(
            (t, snapshot.heartRateBPM, snapshot.rmssdMilliseconds, snapshot.breathingRatePerMinute, snapshot.coherence))
        finalTempo = target.tempoBPM
        finalTension = target.tension
        notePhase(target.phase.rawValue, at: t)
    }

    mutating func silence(at seconds: Double) {
        guard let last = lastBeatSeconds, seconds - last > Self.gapThresholdSeconds, !inSilence, lostSince == nil else {
            return
        }
        inSilence = true
        gaps += 1
    }

    mutating func strapLost(at seconds: Double) {
        guard lostSince == nil else { return }
        lostSince = seconds
        if !inSilence { gaps += 1 }
        inSilence = false
    }

    mutating func strapBack(at seconds: Double) {
        guard let since = lostSince else { return }
        gapSeconds += max(0, seconds - since)
        lostSince = nil
        lastBeatSeconds = seconds
    }

    mutating func notePhase(_ name: String, at t: Double) {
        if let (previous, since) = lastPhase {
            phaseSeconds[previous, default: 0] += t - since
        }
        lastPhase = (name, t)
    }

    func summary(
        endSeconds: Double, endedEarly: Bool, matchedTempoBPM: Double?, matchedTension: Double? = nil,
        tensionReference: TensionReference? = nil
    ) -> SessionSummary {
        var phases = phaseSeconds
        if let (name, since) = lastPhase { phases[name, default: 0] += max(0, endSeconds - since) }
        var gapTotal = gapSeconds
        if let since = lostSince { gapTotal += endSeconds - since }
        let period = min(Self.periodSeconds, endSeconds / 3)
        let first = mean(from: 0, to: period)
        let last = mean(from: endSeconds - period, to: endSeconds)
        return SessionSummary(
            durationSeconds: endSeconds, endedEarly: endedEarly, beats: beats, first: first, last: last,
            timeToCalmSeconds: timeToCalm(baseline: first), artifacts: artifacts, strapGaps: gaps,
            strapGapSeconds: gapTotal, matchedTempoBPM: matchedTempoBPM, finalTempoBPM: finalTempo,
            phaseSeconds: phases, matchedTension: matchedTension,
            finalTension: tensionReference == nil ? nil : finalTension, tensionReference: tensionReference)
    }

    private func mean(from: Double, to: Double) -> SessionPeriod {
        func average(_ value: (Int) -> Double?) -> Double? {
            var sum = 0.0
            var n = 0
            for i in samples.indices where samples[i].t > from && samples[i].t <= to {
                if let v = value(i), v.isFinite {
                    sum += v
                    n += 1
                }
            }
            return n > 0 ? sum / Double(n) : nil
        }
        return SessionPeriod(
            heartRateBPM: average { samples[$0].hr }, rmssdMilliseconds: average { samples[$0].rmssd },
            breathingRatePerMinute: average { samples[$0].breathing }, coherence: average { samples[$0].coherence })
    }

    private func timeToCalm(baseline: SessionPeriod) -> Double? {
        guard let hr0 = baseline.heartRateBPM, let rmssd0 = baseline.rmssdMilliseconds else { return nil }
        var calmSince: Double?
        for s in samples {
            guard let hr = s.hr, let rmssd = s.rmssd else {
                calmSince = nil
                continue
            }
            if hr <= hr0 - 5 && rmssd >= 1.3 * rmssd0 {
                let since = calmSince ?? s.t
                calmSince = since
                if s.t - since >= Self.calmHoldSeconds { return since }
            } else {
                calmSince = nil
            }
        }
        return nil
    }
}

