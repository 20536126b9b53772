// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Dispatch
import Foundation
import HRVCore

/// `lull hrv FILE [--window SECONDS] [--step SECONDS] [--json]`: HRV of an RR recording, whole and
/// per window, raw and artifact-corrected, through the same streaming core a live session uses.
struct HRVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hrv",
        abstract: "Heart-rate variability of an RR file, whole and per window.",
        discussion: """
            FILE holds one RR interval per line in milliseconds (Kubios "type 1" text; seconds are \
            recognised by magnitude; '#' comments and a header are allowed), or two columns: beat \
            time and RR. Window k holds interval i when k*STEP < t_i <= k*STEP + WINDOW, t_i the \
            cumulative RR sum; a trailing remainder of at least 0.9*WINDOW is reported flagged partial.
            """
    )

    @Argument(help: "RR interval file.")
    var file: String

    @Option(help: "Window width in seconds.")
    var window: Double = 300

    @Option(help: "Distance between window starts in seconds (default: the window width).")
    var step: Double?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard window.isFinite, window >= 10 else {
            throw ValidationError("--window \(window): must be at least 10 seconds")
        }
        if let step, !(step.isFinite && step > 0) {
            throw ValidationError("--step \(step): must be a positive number of seconds")
        }
    }

    func run() throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot read \(file): \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
        }
        let milliseconds: [Double]
        do {
            milliseconds = try RRText.parse(text)
        } catch {
            throw CommandFailure("\(file): \(error)")
        }
        let first = RecordingAnalysis.firstPass(milliseconds: milliseconds)
        let work = AnalysisWork(first: first, windowSeconds: window, stepSeconds: step)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in work.run() }
        let (raw, corrected) = work.results()
        // Artifact counts belong to the raw beats; the corrected blocks report the same counts.
        let report = HRVReport(
            file: file, windowSeconds: self.window, stepSeconds: step ?? window, beats: milliseconds.count, raw: raw,
            corrected: corrected)
        if json {
            var bytes = report.jsonBytes()
            bytes.append(UInt8(ascii: "\n"))
            try writeStandardOutput(bytes)
        } else {
            print(report.table(), terminator: "")
        }
    }
}

/// Writes `bytes` to file descriptor 1 whole (write(2) may take fewer bytes than asked).
private func writeStandardOutput(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw CommandFailure("cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

/// The analysis of a recording as four tasks that two cores take in turn: the first filter pass
/// fixes the raw beats' flags, so the raw series is analysed while later passes finish the
/// corrected one; the whole-recording spectra (a transform of over 10⁵ points each for a day)
/// go to whichever core is free first.
private final class AnalysisWork: @unchecked Sendable {
    typealias Analysis = (whole: HRVWindowResult, windows: [HRVWindowResult])
    private let first: RecordingAnalysis.Series
    private let windowSeconds: Double
    private let stepSeconds: Double?
    private let condition = NSCondition()
    private var next = 0
    private var corrected: RecordingAnalysis.Series?
    private var windows: [Analysis?] = [nil, nil]
    private var spectra: [FrequencyDomainMetrics?] = [nil, nil]

    init(first: RecordingAnalysis.Series, windowSeconds: Double, stepSeconds: Double?) {
        self.first = first
        self.windowSeconds = windowSeconds
        self.stepSeconds = stepSeconds
    }

    /// Takes tasks until none is left.
    func run() {
        while let task = take() {
            switch task {
            case 0:
                let series = RecordingAnalysis.refine(first)
                locked { corrected = series }
                let result = analyse(series.corrected, series.correctedFlags)
                locked { windows[1] = result }
            case 1:
                let result = analyse(first.raw, first.rawFlags)
                locked { windows[0] = result }
            case 2:
                let spectrum = RecordingAnalysis.frequencyDomain(of: first.raw)
                locked { spectra[0] = spectrum }
            default:
                let series = waitForCorrected()
                let spectrum = RecordingAnalysis.frequencyDomain(of: series.corrected)
                locked { spectra[1] = spectrum }
            }
        }
    }

    /// Raw and corrected analyses, each whole block with its spectrum.
    func results() -> (raw: Analysis, corrected: Analysis) {
        locked {
            var raw = windows[0]!
            var corrected = windows[1]!
            raw.whole.frequencyDomain = spectra[0]
            corrected.whole.frequencyDomain = spectra[1]
            return (raw, corrected)
        }
    }

    private func analyse(_ beats: [RRInterval], _ flags: [BeatFlag]) -> Analysis {
        RecordingAnalysis.windows(
            of: beats, flags: flags, windowSeconds: windowSeconds, stepSeconds: stepSeconds, wholeSpectrum: false)
    }

    private func take() -> Int? {
        locked {
            guard next < 4 else { return nil }
            next += 1
            return next - 1
        }
    }

    private func waitForCorrected() -> RecordingAnalysis.Series {
        condition.lock()
        defer { condition.unlock() }
        while corrected == nil { condition.wait() }
        return corrected!
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

/// Values written by several threads, one slot each, read after all finished.
final class Slots<Value>: @unchecked Sendable {
    let count: Int
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) {
        self.count = count
        slots = Array(repeating: nil, count: count)
    }

    func set(_ i: Int, _ value: Value) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    func get(_ i: Int) -> Value {
        lock.lock()
        defer { lock.unlock() }
        return slots[i]!
    }
}

/// A failure a user can act on: printed as one line "lull: …" with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
