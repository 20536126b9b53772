// SPDX-License-Identifier: Apache-2.0

/// One beat after the artifact filter has judged it, with what it contributes to the corrected series.
public struct ArtifactDecision: Sendable, Equatable {
    /// The beat as it was received.
    public var beat: RRInterval
    public var flag: BeatFlag
    /// 0, 1 or 2 corrected intervals: none for an extra beat (merged into the next) or a beat
    /// without skin contact (left out), two for a missed beat (split in half), one otherwise.
    public var corrected: CorrectedIntervals
}

/// Up to two corrected intervals, stored inline so the per-beat path allocates nothing.
public struct CorrectedIntervals: Sendable, Equatable, Sequence {
    public private(set) var count = 0
    private var first = RRInterval(milliseconds: 0, beatTimeSeconds: 0)
    private var second = RRInterval(milliseconds: 0, beatTimeSeconds: 0)

    init() {}

    mutating func append(_ interval: RRInterval) {
        if count == 0 { first = interval } else { second = interval }
        count += 1
    }

    public struct Iterator: IteratorProtocol {
        let intervals: CorrectedIntervals
        var index = 0

        public mutating func next() -> RRInterval? {
            guard index < intervals.count else { return nil }
            defer { index += 1 }
            return intervals[index]
        }
    }

    public func makeIterator() -> Iterator { Iterator(intervals: self) }

    public subscript(index: Int) -> RRInterval {
        precondition(index < count)
        return index == 0 ? first : second
    }
}

/// Streaming RR artifact detection and correction after Lipponen & Tarvainen 2019 ("A robust
/// algorithm for heart rate variability time series artefact correction using novel beat
/// classification", J Med Eng Technol 43(3):173-181), the method Kubios HRV uses, in the form
/// NeuroKit2 0.2.13 implements it (`signal_fixpeaks(method="Kubios")`), which Lull is tested against.
///
/// Per beat i: dRR[i] = RR[i] - RR[i-1]; mRR[i] = RR[i] - median(RR[i-5 … i+5]), doubled when
/// negative. Each is divided by a threshold Th = α · QD, α = 5.2, QD the quartile deviation
/// ((Q3 - Q1)/2) of |dRR| (resp. |mRR|) over 91 beats. Beats with |dRR| > 1 are classified through
/// the subspaces S11/S12 (ectopic: c1 = 0.13, c2 = 0.17) and S21/S22 (long/short), then missed
/// (RR/2 close to the median) or extra (RR + next RR close to the median), as in the paper's
/// Figure 1. Corrections, as NeuroKit2 applies them: an extra beat is removed (its interval merges
/// into the next), a missed beat is split in two equal intervals, an ectopic or long/short beat is
/// moved to the midpoint of its neighbours.
///
/// Streaming form: a beat is decided once `lookaheadBeats` more beats have arrived. Live sessions
/// use 6, the shortest look-ahead the classification needs (the 11-beat median centred on the next
/// beat reaches 5 beats past it, and S22 of the next beat reads dRR two beats past that); the
/// quartile thresholds then use the 91 most recent beats instead of 91 beats centred on the beat.
/// Recordings replayed from files use 45, which centres the threshold windows as the paper does. Until 46 beats
/// have arrived nothing is decided, so the first thresholds rest on as many beats as NeuroKit2's
/// centred windows have at the start of a recording. NeuroKit2 repeats detection on the corrected
/// series until the artifact count stops falling; one streaming pass does not, and the last two
/// beats of a recording are never flagged (as in NeuroKit2). Beats without skin contact are flagged
/// `noContact` and left out of the corrected series whatever the classifier says.
public struct ArtifactFilter: Sendable {
    /// The shortest look-ahead the classification needs (live use).
    public static let minimumLookaheadBeats = 6
    /// The look-ahead that centres the 91-beat threshold windows on the beat, as the published
    /// method and NeuroKit2 do (offline use: files are replayed with it).
    public static let centredLookaheadBeats = 45
    static let alpha = 5.2
    static let c1 = 0.13
    static let c2 = 0.17
    static let thresholdWindowBeats = 91
    static let medianHalfWidth = 5
    static let warmUpBeats = 46
    private static let capacity = 128

    private var rr = [Double](repeating: 0, count: capacity)
    private var times = [Double](repeating: 0, count: capacity)
    private var contact = [Bool](repeating: true, count: capacity)
    private var drr = [Double](repeating: 0, count: capacity)
    private var mrr = [Double](repeating: 0, count: capacity)
    private var median = [Double](repeating: 0, count: capacity)
    private var flags = [BeatFlag?](repeating: nil, count: capacity)
    private var cumulative = [Double](repeating: 0, count: capacity)
    private var absDrr = SortedWindow(capacity: thresholdWindowBeats + 1)
    private var absMrr = SortedWindow(capacity: thresholdWindowBeats + 1)
    private var medianWindow = SortedWindow(capacity: 2 * medianHalfWidth + 2)

    /// Beats received.
    private var received = 0
    /// Beats whose mRR is known (the median needs 5 beats past them).
    private var medianKnown = 0
    /// Next beat to examine (examinations may cover two beats).
    private var nextExamination = 0
    /// Next beat to hand out.
    private var nextEmission = 0
    /// Position of the last corrected beat on the raw cumulative-time axis, milliseconds.
    private var lastCorrectedPeak = 0.0
    /// Position of the previous peak before misplaced beats are moved (after extra beats are
    /// removed): NeuroKit2 moves all ectopic and long/short beats at once, each to the midpoint of
    /// its neighbours as they were, so a run of them is not smoothed by its own corrections.
    private var previousPeakBeforeMoves = 0.0
    private var finished = false

    /// How misplaced (ectopic, long/short) beats are moved.
    public enum Correction: Sendable {
        /// Each to the midpoint of its neighbours as recorded, all at once, as NeuroKit2 does: a run
        /// of misplaced beats (a premature beat and its compensatory pause) is only half smoothed.
        /// Files use it, so their corrected metrics agree with the reference.
        case simultaneous
        /// Each to the midpoint of the corrected previous beat and the next one, in order: a premature
        /// beat and its pause come out as two ordinary intervals. Live sessions use it.
        case sequential
    }

    /// Beats between a beat's arrival and its decision.
    public let lookaheadBeats: Int
    public let correction: Correction

    /// - Parameter lookaheadBeats: at least `minimumLookaheadBeats`; the threshold windows end this
    ///   many beats past the beat being judged (`centredLookaheadBeats` centres them).
    public init(lookaheadBeats: Int = ArtifactFilter.minimumLookaheadBeats, correction: Correction = .sequential) {
        precondition(lookaheadBeats >= Self.minimumLookaheadBeats && lookaheadBeats <= 60)
        self.lookaheadBeats = lookaheadBeats
        self.correction = correction
    }

    /// Takes the next beat. Decisions become available through `nextDecision()` `lookaheadBeats` later.
    public mutating func append(_ beat: RRInterval) {
        precondition(!finished, "append after finish")
        let i = received
        let slot = i % Self.capacity
        rr[slot] = beat.milliseconds
        times[slot] = beat.beatTimeSeconds
        contact[slot] = beat.contact
        flags[slot] = nil
        cumulative[slot] = (i == 0 ? 0 : cumulative[(i - 1) % Self.capacity]) + beat.milliseconds
        drr[slot] = i == 0 ? 0 : beat.milliseconds - rr[(i - 1) % Self.capacity]
        absDrr.insert(abs(drr[slot]))
        if i >= Self.thresholdWindowBeats { absDrr.remove(abs(drr[(i - Self.thresholdWindowBeats) % Self.capacity])) }
        received += 1
        // Median window of the beat 5 back now has its right half.
        medianWindow.insert(beat.milliseconds)
        if medianWindow.count > 2 * Self.medianHalfWidth + 1 {
            medianWindow.remove(rr[(i - 2 * Self.medianHalfWidth - 1) % Self.capacity])
        }
        if i >= Self.medianHalfWidth { settleMedian(of: i - Self.medianHalfWidth) }
        examineReady()
    }

    /// Ends the stream: every remaining beat is decided with the data there is.
    public mutating func finish() {
        guard !finished else { return }
        finished = true
        // Beats whose median window is cut by the end of the recording (pandas centre, min_periods=1).
        while medianKnown < received {
            let j = medianKnown
            medianWindow = SortedWindow(capacity: 2 * Self.medianHalfWidth + 2)
            for k in max(0, j - Self.medianHalfWidth)..<received { medianWindow.insert(rr[k % Self.capacity]) }
            settleMedian(of: j)
        }
        examineReady()
    }

    /// The next decided beat, in order, or nil when none is ready.
    public mutating func nextDecision() -> ArtifactDecision? {
        guard nextEmission < nextExamination || (finished && nextEmission < received) else { return nil }
        let i = nextEmission
        nextEmission += 1
        let slot = i % Self.capacity
        let beat = RRInterval(milliseconds: rr[slot], beatTimeSeconds: times[slot], contact: contact[slot])
        let flag: BeatFlag = contact[slot] ? (flags[slot] ?? .ok) : .noContact
        var corrected = CorrectedIntervals()
        let peak = cumulative[slot]
        func emit(at position: Double) {
            let shiftSeconds = (position - peak) / 1000
            corrected.append(
                RRInterval(
                    milliseconds: position - lastCorrectedPeak, beatTimeSeconds: beat.beatTimeSeconds + shiftSeconds))
            lastCorrectedPeak = position
        }
        switch flag {
        case .ok:
            emit(at: peak)
        case .noContact:
            lastCorrectedPeak = peak
        case .extra:
            break  // the peak is removed: the next interval spans it
        case .missed:
            emit(at: (lastCorrectedPeak + peak) / 2)
            emit(at: peak)
        case .ectopic, .longShort:
            if i + 1 < received {
                let previous = correction == .simultaneous ? previousPeakBeforeMoves : lastCorrectedPeak
                emit(at: (previous + cumulative[(i + 1) % Self.capacity]) / 2)
            } else {
                emit(at: peak)
            }
        }
        if flag != .extra { previousPeakBeforeMoves = peak }
        return ArtifactDecision(beat: beat, flag: flag, corrected: corrected)
    }

    private mutating func settleMedian(of j: Int) {
        let slot = j % Self.capacity
        let m = medianWindow.quantile(0.5)
        median[slot] = m
        var d = rr[slot] - m
        if d < 0 { d *= 2 }
        mrr[slot] = d
        absMrr.insert(abs(d))
        if j >= Self.thresholdWindowBeats { absMrr.remove(abs(mrr[(j - Self.thresholdWindowBeats) % Self.capacity])) }
        medianKnown = j + 1
    }

    /// Examines every beat that now has its look-ahead.
    private mutating func examineReady() {
        if !finished && received < Self.warmUpBeats { return }
        let th1 = Self.alpha * (absDrr.quantile(0.75) - absDrr.quantile(0.25)) / 2
        let th2 = Self.alpha * (absMrr.quantile(0.75) - absMrr.quantile(0.25)) / 2
        while nextExamination < received {
            let i = nextExamination
            if !finished && i + lookaheadBeats >= received { break }
            // NeuroKit2 never examines the last two beats of a recording.
            if finished && i >= received - 2 {
                nextExamination = received
                break
            }
            nextExamination += examine(i, th1: th1, th2: th2)
        }
    }

    /// The classification of Lipponen & Tarvainen 2019, Figure 1, as NeuroKit2 codes it; returns
    /// how many beats the examination covered (1, or 2 when the next beat was a long/short candidate).
    private mutating func examine(_ i: Int, th1: Double, th2: Double) -> Int {
        let n = received
        // Normalised dRR with NeuroKit2's reflect padding at both ends.
        func drrs(_ k: Int) -> Double {
            var j = k
            if j < 0 { j = -j }
            if j >= n { j = 2 * (n - 1) - j }
            let raw = drr[j % Self.capacity]
            return th1 != 0 ? raw / th1 : .nan
        }
        func mrrs(_ k: Int) -> Double { th2 != 0 ? mrr[k % Self.capacity] / th2 : .nan }
        func s12(_ k: Int) -> Double {
            let d = drrs(k)
            if d > 0 { return Swift.max(drrs(k - 1), drrs(k + 1)) }
            if d < 0 { return Swift.min(drrs(k - 1), drrs(k + 1)) }
            return 0
        }
        func s22(_ k: Int) -> Double {
            let d = drrs(k)
            if d >= 0 { return Swift.min(drrs(k + 1), drrs(k + 2)) }
            if d < 0 { return Swift.max(drrs(k + 1), drrs(k + 2)) }
            return 0
        }
        let d = drrs(i)
        if abs(d) <= 1 { return 1 }
        if (d > 1 && s12(i) < -Self.c1 * d - Self.c2) || (d < -1 && s12(i) > -Self.c1 * d + Self.c2) {
            flags[i % Self.capacity] = .ectopic
            return 1
        }
        if !(abs(d) > 1 || abs(mrrs(i)) > 3) { return 1 }
        let candidates = abs(drrs(i + 1)) < abs(drrs(i + 2)) ? 2 : 1
        var covered = 0
        for j in i..<(i + candidates) {
            covered += 1
            let dj = drrs(j)
            let eq3 = dj > 1 && s22(j) < -1
            let eq4 = abs(mrrs(j)) > 3
            let eq5 = dj < -1 && s22(j) > 1
            if !(eq3 || eq4 || eq5) { continue }
            let slot = j % Self.capacity
            let limit = th2
            let eq6 = abs(rr[slot] / 2 - median[slot]) < limit
            let eq7 = j + 1 < n && abs(rr[slot] + rr[(j + 1) % Self.capacity] - median[slot]) < limit
            if eq5 && eq7 {
                flags[slot] = .extra
            } else if eq3 && eq6 {
                flags[slot] = .missed
            } else {
                flags[slot] = .longShort
            }
        }
        return covered
    }
}
