// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A `lull` child whose stdout is read line by line while it runs, for the streaming verbs.
final class StrapLiveProcess {
    let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrURL: URL
    private var buffer = Data()

    /// `stdin`: a pipe the test writes to while the process runs (default: nothing to read).
    init(_ arguments: [String], stdin: Pipe? = nil) throws {
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("lull-strap-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = LullProcess.binary
        process.arguments = arguments
        process.standardOutput = stdoutPipe
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: stderrURL)
    }

    /// The next stdout line; nil at end of output. Blocks (tests carry a time limit).
    func nextLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = stdoutPipe.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    /// Sends SIGINT (Ctrl-C) and waits for the exit status.
    func interrupt() -> Int32 {
        process.interrupt()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
}

/// `lull emulate-strap` on a Unix socket, playing the slow-breathing Polar H10 recording, started
/// and waited for until its socket exists. The caller terminates it.
enum EmulatedStrap {
    static let recording = LullProcess.repositoryRoot
        .appendingPathComponent("Tests/HRVCoreTests/Fixtures/rr/polar_h10_slow_breathing_brennan.txt").path

    static func start(socket: String, faults: String? = nil) throws -> Process {
        let emulator = Process()
        emulator.executableURL = LullProcess.binary
        emulator.arguments =
            ["emulate-strap", "--listen", "unix:\(socket)", "--rr", recording] + (faults.map { ["--faults", $0] } ?? [])
        emulator.standardOutput = FileHandle.nullDevice
        emulator.standardError = FileHandle.nullDevice
        try emulator.run()
        // Wait for the socket rather than for a fixed time.
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(50_000) }
        return emulator
    }
}
