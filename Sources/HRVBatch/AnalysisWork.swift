// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Foundation
package import HRVCore
package import LullWire

/// The analysis of a recording as tasks that two cores take in turn, each as soon as what it needs
/// is done: the artifact filter's first pass (it fixes the raw beats' flags, and runs of raw
/// windows start as soon as the flags they need are decided), the later passes that finish the
/// corrected series, the two whole-recording spectra (a transform of over 10⁵ points each for a
/// day), runs of windows of each series (windows depend only on their own beats, so a day's 8,571
/// windows are cut into runs a core takes one at a time and neither core waits long for the other
/// at the end), and the JSON of each run once its raw and corrected windows are there.
package final class AnalysisWork: @unchecked Sendable {
    package typealias Run = (windows: [HRVWindowResult], respiratory: RespiratoryTotals)
    private struct Task {
        /// Tasks that must be done first.
        var needs: [Int]
        /// Raw beats whose first-pass flags must be decided first.
        var decidedBeats = 0
        var body: (AnalysisWork) -> Void
    }

    /// Raw beats (times are the cumulative RR sum, as every pass rebuilds them).
    private let rawBeats: [RRInterval]
    /// The first pass's flags, written as they are decided (`decided` says how far).
    private let rawFlags: UnsafeMutableBufferPointer<BeatFlag>
    private let windowSeconds: Double
    private let stepSeconds: Double
    /// First window of each run (the last run goes on to the end).
    private let runStarts: [Int]
    private let condition = NSCondition()
    private var tasks: [Task] = []
    private var taken: [Bool] = []
    private var done: [Bool] = []
    private var decided = 0
    /// The first pass's raw beats and flags (its corrected series goes to `refine` alone).
    private var first: RecordingAnalysis.Series?
    /// The first pass whole, until `refine` takes it: held nowhere else, each refining pass lets
    /// the one before it go, so a recording is held at most three times over while refining.
    private var unrefined: RecordingAnalysis.Series?
    private var corrected: RecordingAnalysis.Series?
    private var runs: [[Run?]] = []
    private var wholes: [HRVWindowResult?] = [nil, nil]
    private var wholeFrequency: [FrequencyDomainMetrics?] = [nil, nil]
    private var parts: [JSONWriter?] = []
    private var estimators: [WelchSpectrum] = []

    /// The whole analysis of `lull hrv` on two cores: the report, and the work that holds the
    /// JSON parts of its windows (written on the cores, in order).
    /// The values are consumed (the initializer takes them): the beats built from them replace them.
    package static func analyse(
        _ milliseconds: consuming [Double], file: String, windowSeconds: Double, stepSeconds: Double, json: Bool
    ) -> (HRVReport, AnalysisWork) {
        let beatCount = milliseconds.count
        let work = AnalysisWork(milliseconds: milliseconds, windowSeconds: windowSeconds, stepSeconds: stepSeconds, json: json)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in work.run() }
        // Artifact counts belong to the raw beats; the corrected blocks report the same counts.
        let report = HRVReport(
            file: file, windowSeconds: windowSeconds, stepSeconds: stepSeconds, beats: beatCount,
            raw: work.analysis(0, windows: !json), corrected: work.analysis(1, windows: !json))
        return (report, work)
    }

    package init(milliseconds: [Double], windowSeconds: Double, stepSeconds: Double, json: Bool) {
        rawBeats = RecordingAnalysis.beats(milliseconds: milliseconds)
        rawFlags = .allocate(capacity: milliseconds.count)
        rawFlags.initialize(repeating: .ok)
        self.windowSeconds = windowSeconds
        self.stepSeconds = stepSeconds
        // About 16 windows per run at the least (a run first replays the ~W seconds before its
        // first window closes), at most 12 runs per series. Runs shrink towards the end (weights
        // 4, …, 4, 3, 2, 1): the last tasks are short, so neither core idles long while the other
        // finishes (a day at a 10 s step: runs of ~820 windows, the last of ~200).
        let lastTime = rawBeats.last?.beatTimeSeconds ?? 0
        let fullWindows = max(0, Int(((lastTime - windowSeconds) / stepSeconds).rounded(.down)) + 1)
        let runCount = max(1, min(12, fullWindows / 16))
        let weights = (0..<runCount).map { min(4, runCount - $0) }
        let totalWeight = weights.reduce(0, +)
        var starts: [Int] = []
        var weightBefore = 0
        for weight in weights {
            starts.append(fullWindows * weightBefore / totalWeight)
            weightBefore += weight
        }
        runStarts = starts
        runs = [[Run?]](repeating: [Run?](repeating: nil, count: runCount), count: 2)
        parts = [JSONWriter?](repeating: nil, count: runCount)

        // Tasks in the order they are preferred when several are ready: the filter passes first
        // (everything corrected waits for them), the long whole-recording spectra next, runs and
        // their JSON last, so the final tasks are short.
        let firstPass = 0
        let refine = 1
        tasks.append(Task(needs: []) { $0.firstPass() })
        tasks.append(Task(needs: [firstPass]) { $0.refine() })
        // The whole-recording spectra hold a transform the size of the recording each, and the
        // refinement holds the series up to three times: they run one after the other, so a long
        // recording's peak is the larger of them, not their sum. (A day's raw spectrum takes a
        // few milliseconds; the second core has raw windows to do meanwhile.)
        tasks.append(Task(needs: [refine]) { $0.wholeSpectrum(0) })
        tasks.append(Task(needs: [firstPass]) { $0.wholeTimeDomain(0) })
        tasks.append(Task(needs: [refine]) { $0.wholeTimeDomain(1) })
        let rawSpectrum = 2
        tasks.append(Task(needs: [refine, rawSpectrum]) { $0.wholeSpectrum(1) })
        for run in 0..<runCount {
            let raw = tasks.count
            let lastBeat = RecordingAnalysis.lastBeatIndex(
                of: rawBeats, windowSeconds: windowSeconds, stepSeconds: stepSeconds, endWindow: endWindow(run))
            tasks.append(Task(needs: [], decidedBeats: lastBeat + 1) { $0.windowRun(0, run) })
            tasks.append(Task(needs: [refine]) { $0.windowRun(1, run) })
            if json { tasks.append(Task(needs: [raw, raw + 1]) { $0.json(run) }) }
        }
        taken = [Bool](repeating: false, count: tasks.count)
        done = taken
    }

    deinit { rawFlags.deallocate() }

    /// Takes ready tasks until none is left.
    package func run() {
        while let task = take() {
            tasks[task].body(self)
            locked { done[task] = true }
        }
    }

    /// The whole block and (with `windows`) every window of series 0 (raw) or 1 (corrected),
    /// after `run`. The JSON has the windows already, written run by run.
    package func analysis(_ series: Int, windows withWindows: Bool) -> (whole: HRVWindowResult, windows: [HRVWindowResult]) {
        locked {
            var whole = wholes[series]!
            whole.frequencyDomain = wholeFrequency[series]
            var totals = RespiratoryTotals()
            var windows: [HRVWindowResult] = []
            for run in runs[series] {
                totals.add(run!.respiratory)
                if withWindows { windows += run!.windows }
            }
            whole.coherence = totals.meanCoherence
            whole.breathingRatePerMinute = totals.meanBreathingRatePerMinute
            return (whole, windows)
        }
    }

    /// The windows' JSON, run by run, after `run` (with `json`).
    package func jsonParts() -> [JSONWriter] { locked { parts.map { $0! } } }

    private func series(_ index: Int) -> RecordingAnalysis.Series {
        locked { index == 0 ? first! : corrected! }
    }

    private func endWindow(_ run: Int) -> Int? { run + 1 < runStarts.count ? runStarts[run + 1] : nil }

    private func firstPass() {
        let series = RecordingAnalysis.firstPass(beats: rawBeats, flags: rawFlags) { count in
            locked { decided = count }
        }
        var raw = series
        raw.corrected = []
        raw.correctedFlags = []
        locked {
            first = raw
            unrefined = series
        }
    }

    private func refine() {
        let unrefined = locked {
            defer { self.unrefined = nil }
            return self.unrefined!
        }
        let series = RecordingAnalysis.refine(unrefined)
        locked { corrected = series }
    }

    /// LF/HF of the whole series (the raw beats are there from the start).
    private func wholeSpectrum(_ index: Int) {
        let frequency = RecordingAnalysis.frequencyDomain(of: index == 0 ? rawBeats : series(1).corrected)
        locked { wholeFrequency[index] = frequency }
    }

    private func wholeTimeDomain(_ index: Int) {
        let s = series(index)
        let whole = index == 0
            ? RecordingAnalysis.wholeTimeDomain(of: s.raw, flags: s.rawFlags)
            : RecordingAnalysis.wholeTimeDomain(of: s.corrected, flags: s.correctedFlags)
        locked { wholes[index] = whole }
    }

    private func windowRun(_ index: Int, _ run: Int) {
        // A Welch estimator from the pool keeps the transforms earlier runs set up (one per
        // segment length, ~600 samples for 300 s windows, a dozen lengths in a day).
        var welch = locked { estimators.popLast() } ?? WelchSpectrum()
        let result: Run
        if index == 0 {
            result = RecordingAnalysis.windowRun(
                of: rawBeats, flags: UnsafeBufferPointer(rawFlags), windowSeconds: windowSeconds,
                stepSeconds: stepSeconds, firstWindow: runStarts[run], endWindow: endWindow(run), welch: &welch)
        } else {
            let s = series(1)
            result = RecordingAnalysis.windowRun(
                of: s.corrected, flags: s.correctedFlags, windowSeconds: windowSeconds, stepSeconds: stepSeconds,
                firstWindow: runStarts[run], endWindow: endWindow(run), welch: &welch)
        }
        locked {
            runs[index][run] = result
            estimators.append(welch)
        }
    }

    private func json(_ run: Int) {
        let (raw, corrected) = locked { (runs[0][run]!.windows, runs[1][run]!.windows) }
        let part = HRVReport.windowsJSON(raw: raw, corrected: corrected)
        locked { parts[run] = part }
    }

    /// The first task not taken whose needs are done, waiting while none is ready; nil when all are taken.
    private func take() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            var pending = false
            for i in tasks.indices where !taken[i] {
                pending = true
                if decided >= tasks[i].decidedBeats && tasks[i].needs.allSatisfy({ done[$0] }) {
                    taken[i] = true
                    return i
                }
            }
            guard pending else { return nil }
            condition.wait()
        }
    }

    private func locked<R>(_ body: () -> R) -> R {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return body()
    }
}

