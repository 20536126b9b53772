// SPDX-License-Identifier: Apache-2.0

/// A whole RR recording replayed through the streaming stages: what `lull hrv`, the reports and
/// the tests use. No second implementation: every beat goes through `ArtifactFilter` and
/// `WindowedHRV` one at a time, exactly as in a live session.
public enum RecordingAnalysis {
    /// A recording after the artifact filter.
    public struct Series: Sendable {
        /// Raw beats with times rebuilt as the cumulative RR sum (seconds) and their flags.
        public var raw: [RRInterval]
        public var rawFlags: [BeatFlag]
        /// The corrected series (times again the cumulative sum of the corrected intervals, so
        /// windows cut it exactly as the reference cuts its corrected series), each interval
        /// carrying the flag of the beat it came from.
        public var corrected: [RRInterval]
        public var correctedFlags: [BeatFlag]
    }

    /// Beat times as the cumulative sum of RR values: tᵢ = Σⱼ≤ᵢ RRⱼ / 1000.
    public static func beats(milliseconds: [Double]) -> [RRInterval] {
        var sum = 0.0
        return milliseconds.map { rr in
            sum += rr
            return RRInterval(milliseconds: rr, beatTimeSeconds: sum / 1000)
        }
    }

    /// Runs the artifact filter over `milliseconds`, then again over its output while that still
    /// finds fewer artifacts than the pass before (NeuroKit2's `iterative=True`), at most
    /// `maximumPasses` times. Flags are those of the first pass, which judged the beats as recorded.
    ///
    /// Files are replayed with the centred look-ahead (thresholds over 91 beats centred on the
    /// beat, as published). NeuroKit2 stops iterating when a pass finds no fewer artifacts; on the
    /// heavily ectopic CHF excerpt in the team's recordings Lull's passes keep finding fewer, and
    /// every further pass smooths more of the series than NeuroKit2 does, so Lull stops after 3:
    /// with that, corrected RMSSD agrees with NeuroKit2's within 0.0-6.4 % (median per recording)
    /// on every shared recording, and exactly on the ones with few artifacts.
    public static func filter(
        milliseconds: [Double], lookaheadBeats: Int = ArtifactFilter.centredLookaheadBeats, maximumPasses: Int = 3
    ) -> Series {
        refine(
            firstPass(milliseconds: milliseconds, lookaheadBeats: lookaheadBeats), lookaheadBeats: lookaheadBeats,
            maximumPasses: maximumPasses)
    }

    /// The first pass of `filter`: its raw beats and flags are final (later passes change only the
    /// corrected series), so the raw series can be analysed while `refine` runs.
    public static func firstPass(
        milliseconds: [Double], lookaheadBeats: Int = ArtifactFilter.centredLookaheadBeats
    ) -> Series {
        singlePass(raw: beats(milliseconds: milliseconds), lookaheadBeats: lookaheadBeats)
    }

    /// `firstPass` that also writes each raw beat's flag into `flags` as soon as it is decided and
    /// calls `progress(count)` with the number of beats decided so far, every `every` beats and at
    /// the end: another core can analyse the raw windows whose flags are in while the pass goes on.
    public static func firstPass(
        milliseconds: [Double], lookaheadBeats: Int = ArtifactFilter.centredLookaheadBeats,
        flags: UnsafeMutableBufferPointer<BeatFlag>, every: Int = 4096, progress: (Int) -> Void
    ) -> Series {
        firstPass(
            beats: beats(milliseconds: milliseconds), lookaheadBeats: lookaheadBeats, flags: flags, every: every,
            progress: progress)
    }

    /// `firstPass(milliseconds:flags:…)` on beats already built by `beats(milliseconds:)`: the
    /// series shares their storage instead of building a second copy.
    public static func firstPass(
        beats raw: [RRInterval], lookaheadBeats: Int = ArtifactFilter.centredLookaheadBeats,
        flags: UnsafeMutableBufferPointer<BeatFlag>, every: Int = 4096, progress: (Int) -> Void
    ) -> Series {
        precondition(flags.count >= raw.count)
        let series = singlePass(raw: raw, lookaheadBeats: lookaheadBeats) { index, flag in
            flags[index] = flag
            if (index + 1) % every == 0 { progress(index + 1) }
        }
        progress(series.rawFlags.count)
        return series
    }

    /// The passes of `filter` after `firstPass`.
    public static func refine(
        _ first: consuming Series, lookaheadBeats: Int = ArtifactFilter.centredLookaheadBeats, maximumPasses: Int = 3
    ) -> Series {
        // Consumed, so each pass replaces the one before it rather than adding to it.
        var series = first
        var flagged = series.rawFlags.filter(\.isArtifact).count
        var pass = 1
        while pass < maximumPasses && flagged > 0 {
            // The corrected beats' times are already the cumulative sum of their values, as
            // `beats(milliseconds:)` would rebuild them.
            let next = singlePass(raw: series.corrected, lookaheadBeats: lookaheadBeats)
            let nextFlagged = next.rawFlags.filter(\.isArtifact).count
            guard nextFlagged < flagged else { break }
            series.corrected = next.corrected
            series.correctedFlags = next.correctedFlags
            // Carry the first-pass flags through: a corrected interval keeps its source beat's flag.
            flagged = nextFlagged
            pass += 1
        }
        return series
    }

    /// One pass of the filter; `decided(i, flag)` is told each raw beat's flag in order.
    private static func singlePass(
        raw: [RRInterval], lookaheadBeats: Int, decided: (Int, BeatFlag) -> Void = { _, _ in }
    ) -> Series {
        var filter = ArtifactFilter(lookaheadBeats: lookaheadBeats, correction: .simultaneous)
        var flags: [BeatFlag] = []
        flags.reserveCapacity(raw.count)
        // Built as `beats(milliseconds:)` would build it from the corrected values, without
        // holding those values a second time.
        var corrected: [RRInterval] = []
        var correctedFlags: [BeatFlag] = []
        var sum = 0.0
        corrected.reserveCapacity(raw.count)
        correctedFlags.reserveCapacity(raw.count)
        func drain() {
            while let decision = filter.nextDecision() {
                decided(flags.count, decision.flag)
                flags.append(decision.flag)
                for interval in decision.corrected {
                    sum += interval.milliseconds
                    corrected.append(RRInterval(milliseconds: interval.milliseconds, beatTimeSeconds: sum / 1000))
                    correctedFlags.append(decision.flag)
                }
            }
        }
        for beat in raw {
            filter.append(beat)
            drain()
        }
        filter.finish()
        drain()
        return Series(raw: raw, rawFlags: flags, corrected: corrected, correctedFlags: correctedFlags)
    }

    /// Windows of one series, plus the whole-series block (without its LF/HF when `wholeSpectrum`
    /// is false: `frequencyDomain(of:)` computes that one on its own).
    public static func windows(
        of beats: [RRInterval], flags: [BeatFlag], windowSeconds: Double, stepSeconds: Double? = nil,
        spectral: Bool = true, wholeSpectrum: Bool = true
    ) -> (whole: HRVWindowResult, windows: [HRVWindowResult]) {
        var analysis = WindowedHRV(
            windowSeconds: windowSeconds, stepSeconds: stepSeconds, spectral: spectral, wholeSpectrum: wholeSpectrum)
        var results: [HRVWindowResult] = []
        for (i, beat) in beats.enumerated() {
            analysis.append(beat, flag: i < flags.count ? flags[i] : .ok)
            if i & 1023 == 0 { results += analysis.takeCompleted() }
        }
        analysis.finish()
        results += analysis.takeCompleted()
        return (analysis.wholeResult(), results)
    }

    /// Windows `firstWindow ..< endWindow` of a series (to the end, with the trailing partial
    /// window, when `endWindow` is nil), analysed apart from the others: `windows` cut into runs
    /// that several cores share. The run's respiratory totals count the 5 s estimates from its
    /// first tick up to the first tick of the run starting at `endWindow`, so adding the runs'
    /// totals in order counts every estimate of the series once. `welch` is used and handed back
    /// with the transforms it set up, for the next run on the same core.
    public static func windowRun(
        of beats: [RRInterval], flags: [BeatFlag], windowSeconds: Double, stepSeconds: Double? = nil,
        firstWindow: Int, endWindow: Int?, welch: inout WelchSpectrum
    ) -> (windows: [HRVWindowResult], respiratory: RespiratoryTotals) {
        flags.withUnsafeBufferPointer {
            windowRun(
                of: beats, flags: $0, windowSeconds: windowSeconds, stepSeconds: stepSeconds, firstWindow: firstWindow,
                endWindow: endWindow, welch: &welch)
        }
    }

    /// Index of the last beat `windowRun` reads for a run ending at `endWindow` (nil: the last beat).
    public static func lastBeatIndex(
        of beats: [RRInterval], windowSeconds: Double, stepSeconds: Double? = nil, endWindow: Int?
    ) -> Int {
        guard let endWindow else { return beats.count - 1 }
        let end = runEndSeconds(windowSeconds: windowSeconds, stepSeconds: stepSeconds ?? windowSeconds, endWindow: endWindow)
        return min(beats.count - 1, firstIndex(of: beats, after: end))
    }

    /// A run ending at window `endWindow` is fed beats until one later than this: the end of its
    /// last window, or, when windows do not overlap, the last tick before the next run's first
    /// (so that every 5 s estimate of the series is made by one run or the next).
    private static func runEndSeconds(windowSeconds: Double, stepSeconds: Double, endWindow: Int) -> Double {
        let lastWindowEnd = Double(endWindow - 1) * stepSeconds + windowSeconds
        let nextRunTick = WindowedHRV.firstTickSeconds(windowStartSeconds: Double(endWindow) * stepSeconds)
        return max(lastWindowEnd, nextRunTick - WindowedHRV.tickSeconds)
    }

    /// `windowRun` with the flags in a buffer (only those up to `lastBeatIndex` are read).
    public static func windowRun(
        of beats: [RRInterval], flags: UnsafeBufferPointer<BeatFlag>, windowSeconds: Double,
        stepSeconds: Double? = nil, firstWindow: Int, endWindow: Int?, welch: inout WelchSpectrum
    ) -> (windows: [HRVWindowResult], respiratory: RespiratoryTotals) {
        let step = stepSeconds ?? windowSeconds
        let from = WindowedHRV.runStartSeconds(firstWindow: firstWindow, stepSeconds: step)
        let firstBeat = firstIndex(of: beats, after: from)
        var analysis = WindowedHRV(
            windowSeconds: windowSeconds, stepSeconds: step, wholeSpectrum: false, firstWindow: firstWindow,
            firstBeatIndex: firstBeat,
            tickTotalsBeforeSeconds: endWindow.map {
                WindowedHRV.firstTickSeconds(windowStartSeconds: Double($0) * step)
            } ?? .infinity, welch: welch)
        defer { welch = analysis.welch }
        // The run ends once a beat past its last window's end (and past its last tick) arrives:
        // that beat closes the window.
        let lastEnd =
            endWindow.map { runEndSeconds(windowSeconds: windowSeconds, stepSeconds: step, endWindow: $0) } ?? .infinity
        var results: [HRVWindowResult] = []
        results.reserveCapacity(endWindow.map { max(0, $0 - firstWindow) } ?? 16)
        var i = firstBeat
        while i < beats.count {
            let beat = beats[i]
            analysis.append(beat, flag: i < flags.count ? flags[i] : .ok)
            i += 1
            if beat.beatTimeSeconds > lastEnd { break }
        }
        if i == beats.count { analysis.finish() }
        results += analysis.takeCompleted()
        if let endWindow, let cut = results.firstIndex(where: { $0.index >= endWindow }) {
            results.removeSubrange(cut...)
        }
        return (results, analysis.respiratoryTotals)
    }

    /// The whole-series block without LF/HF, coherence and breathing rate (which `frequencyDomain`
    /// and the runs' respiratory totals give): time domain and artifact counts of every beat,
    /// as `windows` computes them.
    public static func wholeTimeDomain(of beats: [RRInterval], flags: [BeatFlag]) -> HRVWindowResult {
        var metrics = SlidingTimeDomain()
        var counts = ArtifactCounts()
        var previous: Double?
        for (i, beat) in beats.enumerated() {
            metrics.append(beat.milliseconds, previous: previous)
            counts.count(i < flags.count ? flags[i] : .ok, 1)
            previous = beat.milliseconds
        }
        let n = beats.count
        return HRVWindowResult(
            index: 0, startSeconds: 0, endSeconds: beats.last?.beatTimeSeconds ?? 0, partial: false, intervalCount: n,
            firstIntervalIndex: n > 0 ? 0 : nil, lastIntervalIndex: n > 0 ? n - 1 : nil,
            timeDomain: n >= 3 ? metrics.metrics : nil, frequencyDomain: nil, coherence: nil,
            breathingRatePerMinute: nil, artifacts: counts)
    }

    /// Index of the first beat later than `seconds` (binary search: beat times increase).
    private static func firstIndex(of beats: [RRInterval], after seconds: Double) -> Int {
        var low = 0
        var high = beats.count
        while low < high {
            let middle = (low + high) / 2
            if beats[middle].beatTimeSeconds > seconds { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// LF/HF of a whole series (what `windows` puts in the whole block), computed on its own so it
    /// can run beside the windows.
    public static func frequencyDomain(of beats: [RRInterval]) -> FrequencyDomainMetrics? {
        frequencyDomain(of: beats, blocking: WelchSpectrum.Blocking())
    }

    static func frequencyDomain(of beats: [RRInterval], blocking: WelchSpectrum.Blocking) -> FrequencyDomainMetrics? {
        guard beats.count >= 3 else { return nil }
        // A whole recording is one spectrum (NeuroKit2's segments are half of it), so the grid,
        // not the beats, sets the memory: the times and values live only while the grid is
        // interpolated, and the interpolation's scratch is let go before the transform is set up.
        var welch = WelchSpectrum()
        welch.blocking = blocking
        do {
            let times = beats.map(\.beatTimeSeconds)
            let milliseconds = beats.map(\.milliseconds)
            let interpolated = times.withUnsafeBufferPointer { t in
                milliseconds.withUnsafeBufferPointer { m in welch.interpolate(times: t, milliseconds: m) }
            }
            guard interpolated else { return nil }
        }
        return welch.spectrumOfInterpolated(keepingScratch: false)
    }
}
