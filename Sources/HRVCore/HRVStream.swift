// SPDX-License-Identifier: Apache-2.0

/// The live HRV pipeline: beats in, one `HRVSnapshot` out per beat.
///
/// `ArtifactFilter` → corrected series → sliding time-domain window (O(1) per beat) and, every
/// `updateSeconds`, the coherence / breathing-rate spectrum over the last 64 s and the Welch LF/HF
/// over the last `spectralWindowSeconds`. The raw series gets its own time-domain window. Same
/// building blocks as `WindowedHRV` (which `lull hrv` replays files through).
///
/// Latency: the artifact filter decides a beat 6 beats after it arrives, so the corrected metrics
/// and `flag` describe the series up to about 5 s ago; `rawTimeDomain` is current.
public struct HRVStream: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Width of the sliding time-domain window (HR, RMSSD, SDNN …).
        public var timeWindowSeconds: Double
        /// Width of the window LF/HF is estimated over.
        public var spectralWindowSeconds: Double
        /// How often coherence, breathing rate and LF/HF are refreshed.
        public var updateSeconds: Double

        public init(timeWindowSeconds: Double = 60, spectralWindowSeconds: Double = 300, updateSeconds: Double = 5) {
            self.timeWindowSeconds = timeWindowSeconds
            self.spectralWindowSeconds = spectralWindowSeconds
            self.updateSeconds = updateSeconds
        }

        /// One-minute HR/RMSSD (as short-term biofeedback tools use), 5-minute LF/HF (Task Force
        /// short-term recordings), refreshed every 5 s (McCraty & Zayas 2014 coherence cadence).
        public static let live = Configuration()
    }

    public let configuration: Configuration
    private var filter = ArtifactFilter(correction: .sequential)
    private var raw = Track()
    private var corrected = Track()
    private var decided = Track()
    private var welch = WelchSpectrum()
    private var respiratory = RespiratorySpectrum()
    private var nextUpdate: Double?
    private var lastFlag: BeatFlag = .ok
    private var frequency: FrequencyDomainMetrics?
    private var estimate: RespiratorySpectrum.Estimate?
    private var decisions: [ArtifactDecision] = []

    /// Whether the filter's per-beat decisions are kept for `takeDecisions()` (the session journal
    /// stores every beat's verdict); off, nothing accumulates.
    public var keepsDecisions = false

    public init(configuration: Configuration = .live) {
        self.configuration = configuration
    }

    /// Feeds the next beat (times must increase) and returns the state after it.
    public mutating func append(_ beat: RRInterval) -> HRVSnapshot {
        let width = configuration.timeWindowSeconds
        raw.append(beat, flag: beat.contact ? .ok : .noContact, width: width, keepSeconds: width)
        filter.append(beat)
        drainFilter()
        update(at: beat.beatTimeSeconds)
        return snapshot(for: beat)
    }

    /// Ends the stream: the filter decides its last beats. Returns the final state, if any beat came.
    public mutating func finish() -> HRVSnapshot? {
        filter.finish()
        drainFilter()
        guard let last = raw.lastBeat else { return nil }
        return snapshot(for: last)
    }

    /// The artifact filter's decisions since the last call, in beat order: each beat's verdict,
    /// given when the filter has seen enough of what follows (6 beats; the first 40 or so at once
    /// when its thresholds warm up; the last ones at `finish()`).
    public mutating func takeDecisions() -> [ArtifactDecision] {
        defer { decisions.removeAll(keepingCapacity: true) }
        return decisions
    }

    private mutating func drainFilter() {
        let width = configuration.timeWindowSeconds
        let keep = max(width, configuration.spectralWindowSeconds, RespiratorySpectrum.spanSeconds + 10)
        while let decision = filter.nextDecision() {
            if keepsDecisions { decisions.append(decision) }
            lastFlag = decision.flag
            decided.append(decision.beat, flag: decision.flag, width: width, keepSeconds: width)
            for interval in decision.corrected {
                corrected.append(interval, flag: decision.flag, width: width, keepSeconds: keep)
            }
        }
    }

    private mutating func update(at seconds: Double) {
        let next = nextUpdate ?? seconds
        guard seconds >= next, let end = corrected.lastBeat?.beatTimeSeconds else {
            if nextUpdate == nil { nextUpdate = seconds }
            return
        }
        nextUpdate = next + configuration.updateSeconds * ((seconds - next) / configuration.updateSeconds + 1).rounded(.down)
        let buffer = corrected.buffer
        let all = buffer.startIndex..<buffer.endIndex
        let respiratoryFrom = buffer.firstIndex(after: end - RespiratorySpectrum.spanSeconds - 4, from: all.lowerBound)
        if let e = buffer.withSeries(respiratoryFrom..<all.upperBound, { t, m in
            respiratory.analyse(times: t, milliseconds: m, endSeconds: end)
        }), e.coherence.isFinite {
            estimate = e
        } else {
            estimate = nil
        }
        let spectralFrom = buffer.firstIndex(after: end - configuration.spectralWindowSeconds, from: all.lowerBound)
        frequency =
            all.upperBound - spectralFrom >= 3
            ? buffer.withSeries(spectralFrom..<all.upperBound) { t, m in welch.analyse(times: t, milliseconds: m) }
            : nil
    }

    private func snapshot(for beat: RRInterval) -> HRVSnapshot {
        HRVSnapshot(
            beat: beat, flag: lastFlag,
            timeDomain: corrected.window.metrics.intervalCount >= 2 ? corrected.window.metrics.metrics : nil,
            rawTimeDomain: raw.window.metrics.intervalCount >= 2 ? raw.window.metrics.metrics : nil,
            frequencyDomain: frequency, coherence: estimate?.coherence,
            breathingRatePerMinute: estimate?.breathingRatePerMinute, artifactPercent: decided.window.counts.percent)
    }
}

/// One series with a time-based sliding window over its newest beats.
private struct Track: Sendable {
    var buffer = BeatBuffer()
    var window = BufferWindow()
    var lastBeat: RRInterval?

    mutating func append(_ beat: RRInterval, flag: BeatFlag, width: Double, keepSeconds: Double) {
        let previous: Double? = window.metrics.intervalCount > 0 ? lastBeat?.milliseconds : nil
        buffer.append(beat, flag: flag)
        window.addNewest(of: buffer, previous: previous)
        lastBeat = beat
        window.evict(through: beat.beatTimeSeconds - width, in: buffer, keep: 1)
        buffer.dropOlder(than: beat.beatTimeSeconds - keepSeconds, before: window.first, chunk: 64)
    }
}
