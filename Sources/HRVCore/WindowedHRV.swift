// SPDX-License-Identifier: Apache-2.0

/// How many beats of each kind the artifact filter flagged in a window.
public struct ArtifactCounts: Sendable, Equatable {
    public var beats = 0
    public var ectopic = 0
    public var missed = 0
    public var extra = 0
    public var longShort = 0
    public var noContact = 0

    public init() {}

    public var flagged: Int { ectopic + missed + extra + longShort + noContact }
    /// Flagged beats as a share of all beats, percent; 0 for an empty window.
    public var percent: Double { beats > 0 ? 100 * Double(flagged) / Double(beats) : 0 }

    /// Adds (`delta` = 1) or removes (-1) one beat with `flag`.
    public mutating func count(_ flag: BeatFlag, _ delta: Int) {
        beats += delta
        switch flag {
        case .ok: break
        case .ectopic: ectopic += delta
        case .missed: missed += delta
        case .extra: extra += delta
        case .longShort: longShort += delta
        case .noContact: noContact += delta
        }
    }
}

/// The metrics of one window of a series.
public struct HRVWindowResult: Sendable, Equatable {
    public var index: Int
    public var startSeconds: Double
    /// The window's end; for a trailing partial window, the last beat's time.
    public var endSeconds: Double
    public var partial: Bool
    public var intervalCount: Int
    /// Indices (0-based, in the series fed) of the first and last interval in the window.
    public var firstIntervalIndex: Int?
    public var lastIntervalIndex: Int?
    /// Nil with fewer than 3 intervals, as the reference does.
    public var timeDomain: TimeDomainMetrics?
    public var frequencyDomain: FrequencyDomainMetrics?
    /// Means of the 5-second estimates whose 64-second span lies inside the window.
    public var coherence: Double?
    public var breathingRatePerMinute: Double?
    public var artifacts: ArtifactCounts
}

/// HRV of a stream of beats cut into windows, fed one beat at a time: the streaming core of
/// `lull hrv` (offline analysis is this stream replayed).
///
/// Windows follow the rule of the team's reference tool (shared/tools/hrv_oracle.py): with beat
/// times tᵢ (the time of the beat that ends interval i), interval i belongs to window k when
/// k·S < tᵢ ≤ k·S + W (S the step, W the width). Windows that end by the last beat are full; after
/// them, when the beats past the last full window's end span at least 0.9 W, the next window is
/// reported as well, flagged partial (this happens only for steps of at least 0.9 W).
/// Time-domain metrics slide in O(1) per beat (`SlidingTimeDomain`); LF/HF come from
/// `WelchSpectrum` over the window's beats when it closes; coherence and breathing rate are
/// estimated every 5 s over the last 64 s (`RespiratorySpectrum`).
public struct WindowedHRV: Sendable {
    public static let tickSeconds = 5.0

    public let windowSeconds: Double
    public let stepSeconds: Double
    public let spectral: Bool
    public let wholeSpectrum: Bool
    private var buffer = BeatBuffer()
    private var window = BufferWindow()
    private var windowIndex = 0
    private var whole = SlidingTimeDomain()
    private var wholeCounts = ArtifactCounts()
    private var previousRR: Double?
    private var lastTime: Double?
    private var lastFullEnd: Double?
    /// The Welch estimator with its transforms for the segment lengths met so far (taken over by
    /// `RecordingAnalysis.windowRun` from run to run, so each length is set up once per core).
    public private(set) var welch = WelchSpectrum()
    private var respiratory = RespiratorySpectrum()
    private var ticks: [(time: Double, estimate: RespiratorySpectrum.Estimate)] = []
    private var tickHead = 0
    private var nextTick = WindowedHRV.tickSeconds
    private var tickSum = RespiratoryTotals()
    /// Ticks at or after this time are not added to `tickSum` (another part of the series owns them).
    private let tickTotalsBeforeSeconds: Double
    private var allTimes: [Double] = []
    private var allRR: [Double] = []
    private var completed: [HRVWindowResult] = []
    private var finished = false

    /// - Parameters:
    ///   - windowSeconds: window width W.
    ///   - stepSeconds: distance between window starts; defaults to W (consecutive windows).
    ///   - spectral: compute LF/HF, coherence and breathing rate (off for cheap time-domain-only use).
    ///   - wholeSpectrum: compute LF/HF of everything fed (`wholeResult`); off when the caller
    ///     computes it elsewhere (`RecordingAnalysis.frequencyDomain(of:)`, on another core).
    ///   - firstWindow: index of the first window reported. Windows depend only on their own beats
    ///     and the 5 s respiratory estimates inside them, so a long series can be cut into runs of
    ///     windows analysed apart (on several cores): a run that starts at window k is fed from
    ///     `firstBeatIndex`, the first beat later than `runStartSeconds(firstWindow:)`, and its
    ///     estimates start at the first tick its windows use.
    ///   - firstBeatIndex: the series index of the first beat fed (window beat indices count from it).
    ///   - tickTotalsBeforeSeconds: estimates at or after this time are left out of the whole
    ///     block's coherence and breathing rate (`respiratoryTotals`), so runs can be summed
    ///     without counting the ticks they share twice.
    ///   - welch: a Welch estimator to continue with (its transforms are kept).
    public init(
        windowSeconds: Double, stepSeconds: Double? = nil, spectral: Bool = true, wholeSpectrum: Bool = true,
        firstWindow: Int = 0, firstBeatIndex: Int = 0, tickTotalsBeforeSeconds: Double = .infinity,
        welch: WelchSpectrum = WelchSpectrum()
    ) {
        precondition(windowSeconds > 0 && (stepSeconds ?? windowSeconds) > 0 && firstWindow >= 0)
        self.windowSeconds = windowSeconds
        self.stepSeconds = stepSeconds ?? windowSeconds
        self.spectral = spectral
        self.wholeSpectrum = spectral && wholeSpectrum
        self.tickTotalsBeforeSeconds = tickTotalsBeforeSeconds
        self.welch = welch
        windowIndex = firstWindow
        buffer = BeatBuffer(startIndex: firstBeatIndex)
        window.first = firstBeatIndex
        nextTick = Self.firstTickSeconds(windowStartSeconds: Double(firstWindow) * self.stepSeconds)
    }

    /// The first tick (a multiple of 5 s) whose 64 s span lies inside a window starting at
    /// `windowStartSeconds` (the tolerance is `closeWindow`'s); 5 s for the first window.
    public static func firstTickSeconds(windowStartSeconds: Double) -> Double {
        guard windowStartSeconds > 0 else { return tickSeconds }
        let earliest = windowStartSeconds + RespiratorySpectrum.spanSeconds - 1e-9
        return max(tickSeconds, (earliest / tickSeconds).rounded(.up) * tickSeconds)
    }

    /// Beats later than this time are all a run starting at window `firstWindow` needs (its
    /// windows' beats and the 64 s before its first tick, with the 4 s `tick` reaches further back).
    public static func runStartSeconds(firstWindow: Int, stepSeconds: Double) -> Double {
        Double(firstWindow) * stepSeconds - 10
    }

    /// Sums of the 5 s coherence and breathing estimates counted so far (see `tickTotalsBeforeSeconds`).
    public var respiratoryTotals: RespiratoryTotals { tickSum }

    /// Adds the next beat (times must increase).
    public mutating func append(_ beat: RRInterval, flag: BeatFlag = .ok) {
        precondition(!finished)
        let t = beat.beatTimeSeconds
        if spectral {
            while t > nextTick {
                tick(at: nextTick)
                nextTick += Self.tickSeconds
            }
        }
        while t > windowEnd(windowIndex) {
            closeWindow(partial: false, end: windowEnd(windowIndex))
            lastFullEnd = windowEnd(windowIndex)
            advanceWindow()
        }
        buffer.append(beat, flag: flag)
        whole.append(beat.milliseconds, previous: previousRR)
        wholeCounts.count(flag, 1)
        if t > windowStart(windowIndex) {
            window.addNewest(of: buffer, previous: window.metrics.intervalCount > 0 ? previousRR : nil)
        } else {
            window.first = buffer.endIndex
        }
        previousRR = beat.milliseconds
        lastTime = t
        if wholeSpectrum {
            allTimes.append(t)
            allRR.append(beat.milliseconds)
        }
        trimBuffer()
    }

    /// Ends the stream: closes the full windows that end at the last beat and the trailing partial one.
    public mutating func finish() {
        guard !finished, let last = lastTime else {
            finished = true
            return
        }
        finished = true
        // Full when (k+1)·W ≤ t_last, with the reference's 1e-12 tolerance on t_last / W.
        while windowEnd(windowIndex) / windowSeconds <= last / windowSeconds + 1e-12 {
            closeWindow(partial: false, end: windowEnd(windowIndex))
            lastFullEnd = windowEnd(windowIndex)
            advanceWindow()
        }
        let remainder = last - (lastFullEnd ?? 0)
        if remainder >= 0.9 * windowSeconds {
            closeWindow(partial: true, end: last)
        }
    }

    /// Windows closed since the last call.
    public mutating func takeCompleted() -> [HRVWindowResult] {
        defer { completed.removeAll(keepingCapacity: true) }
        return completed
    }

    /// Metrics of everything fed so far (the "whole recording" block).
    public mutating func wholeResult() -> HRVWindowResult {
        var frequency: FrequencyDomainMetrics?
        if wholeSpectrum && allTimes.count >= 3 {
            frequency = allTimes.withUnsafeBufferPointer { t in
                allRR.withUnsafeBufferPointer { m in welch.analyse(times: t, milliseconds: m) }
            }
        }
        let n = whole.intervalCount
        return HRVWindowResult(
            index: 0, startSeconds: 0, endSeconds: lastTime ?? 0, partial: false, intervalCount: n,
            firstIntervalIndex: n > 0 ? 0 : nil, lastIntervalIndex: n > 0 ? n - 1 : nil,
            timeDomain: n >= 3 ? whole.metrics : nil, frequencyDomain: frequency, coherence: tickSum.meanCoherence,
            breathingRatePerMinute: tickSum.meanBreathingRatePerMinute, artifacts: wholeCounts)
    }

    private func windowStart(_ k: Int) -> Double { Double(k) * stepSeconds }
    private func windowEnd(_ k: Int) -> Double { Double(k) * stepSeconds + windowSeconds }

    private mutating func closeWindow(partial: Bool, end: Double) {
        let first = window.first
        let last = buffer.endIndex
        let n = window.metrics.intervalCount
        var frequency: FrequencyDomainMetrics?
        if spectral && n >= 3 {
            frequency = buffer.withSeries(first..<last) { t, m in welch.analyse(times: t, milliseconds: m) }
        }
        // Coherence and breathing: ticks whose 64 s lie inside the window.
        var coherence: Double?
        var breathing: Double?
        if spectral {
            let lo = windowStart(windowIndex) + RespiratorySpectrum.spanSeconds
            var c = 0.0
            var b = 0.0
            var count = 0
            for i in tickHead..<ticks.count where ticks[i].time >= lo - 1e-9 && ticks[i].time <= end + 1e-9 {
                c += ticks[i].estimate.coherence
                b += ticks[i].estimate.breathingRatePerMinute
                count += 1
            }
            if count > 0 {
                coherence = c / Double(count)
                breathing = b / Double(count)
            }
        }
        completed.append(
            HRVWindowResult(
                index: windowIndex, startSeconds: windowStart(windowIndex), endSeconds: end, partial: partial,
                intervalCount: n, firstIntervalIndex: n > 0 ? first : nil, lastIntervalIndex: n > 0 ? last - 1 : nil,
                timeDomain: n >= 3 ? window.metrics.metrics : nil, frequencyDomain: frequency, coherence: coherence,
                breathingRatePerMinute: breathing, artifacts: window.counts))
    }

    /// Moves to the next window: beats at or before its start leave.
    private mutating func advanceWindow() {
        windowIndex += 1
        window.evict(through: windowStart(windowIndex), in: buffer)
    }

    private mutating func tick(at time: Double) {
        let from = buffer.firstIndex(after: time - RespiratorySpectrum.spanSeconds - 4, from: buffer.startIndex)
        let to = buffer.firstIndex(after: time, from: from)
        guard to - from >= 3 else { return }
        let estimate = buffer.withSeries(from..<to) { t, m in
            respiratory.analyse(times: t, milliseconds: m, endSeconds: time)
        }
        guard let estimate, estimate.coherence.isFinite else { return }
        ticks.append((time, estimate))
        if time < tickTotalsBeforeSeconds { tickSum.add(estimate) }
    }

    /// Keeps what the open window and the 64 s respiratory span still need.
    private mutating func trimBuffer() {
        guard let last = lastTime else { return }
        buffer.dropOlder(than: last - RespiratorySpectrum.spanSeconds - 10, before: window.first, chunk: 256)
        let oldestWindowStart = windowStart(windowIndex) + RespiratorySpectrum.spanSeconds
        while tickHead < ticks.count && ticks[tickHead].time < oldestWindowStart - 1e-9 { tickHead += 1 }
        if tickHead > 1024 {
            ticks.removeFirst(tickHead)
            tickHead = 0
        }
    }
}

/// Sums of 5 s respiratory estimates: the whole block's coherence and breathing rate are their means.
public struct RespiratoryTotals: Sendable, Equatable {
    public var coherence = 0.0
    public var breathingRatePerMinute = 0.0
    public var count = 0

    public init() {}

    mutating func add(_ estimate: RespiratorySpectrum.Estimate) {
        coherence += estimate.coherence
        breathingRatePerMinute += estimate.breathingRatePerMinute
        count += 1
    }

    /// Adds the sums of a later run of the same series.
    public mutating func add(_ other: RespiratoryTotals) {
        coherence += other.coherence
        breathingRatePerMinute += other.breathingRatePerMinute
        count += other.count
    }

    public var meanCoherence: Double? { count > 0 ? coherence / Double(count) : nil }
    public var meanBreathingRatePerMinute: Double? { count > 0 ? breathingRatePerMinute / Double(count) : nil }
}
