// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HRVBatch
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
        let milliseconds: [Double]
        do {
            milliseconds = try RRFile.read(path: file)
        } catch {
            throw CommandFailure(error.description)
        }
        let (report, work) = AnalysisWork.analyse(
            consume milliseconds, file: file, windowSeconds: window, stepSeconds: step ?? window, json: json)
        if json {
            try report.writeJSON(windowParts: work.jsonParts()) { try writeStandardOutput($0) }
        } else {
            print(report.table(), terminator: "")
        }
    }
}

/// Writes `bytes` to file descriptor 1 whole (write(2) may take fewer bytes than asked).
private func writeStandardOutput(_ bytes: UnsafeBufferPointer<UInt8>) throws {
    var offset = 0
    while offset < bytes.count {
        let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            throw CommandFailure("cannot write to standard output: \(String(cString: strerror(errno)))")
        }
        offset += written
    }
}

/// A failure a user can act on: printed as one line ("Error: …", ArgumentParser's form) with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
