// SPDX-License-Identifier: Apache-2.0
import Foundation
import SessionStore
import Testing

/// Ctrl-C or SIGTERM ends a real-time session softly and still prints the summary.
@Suite struct SessionSignalTests {
    @Test(.timeLimit(.minutes(1)), arguments: [SIGTERM, SIGINT])
    func signalEndsTheSessionWithASummary(_ signalNumber: Int32) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-signal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = Process()
        process.executableURL = LullProcess.binary
        process.arguments = ["session", "--minutes", "5", "--audio", "none", "--json", "--no-record"]
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until beats are flowing (real time: about one a second), then signal.
        var lines = 0
        for _ in 0..<200 where lines < 3 {
            usleep(50_000)
            lines = (try? String(contentsOf: out, encoding: .utf8))?.split(separator: "\n").count ?? 0
        }
        #expect(lines >= 3)
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = try String(contentsOf: out, encoding: .utf8)
        let last = try #require(text.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["ended_early"] as? Bool == true)
        #expect((summary["duration_s"] as? Double ?? 0) < 60)
    }

    /// A producer on stdin that falls silent: the beats already read are in the journal within a
    /// second, and Ctrl-C while no line comes ends the session softly (no read blocks it).
    @Test(.timeLimit(.minutes(1)))
    func stdinBeatsAreCommittedWhileTheProducerIsSilent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-stdin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let input = Pipe()
        let live = try StrapLiveProcess(
            ["session", "--source", "stdin", "--audio", "none", "--json", "--db", journal], stdin: input)
        input.fileHandleForWriting.write(Data("800\n810\n790\n805\n".utf8))
        for _ in 0..<4 { #expect(live.nextLine() != nil, "one state line per beat read") }
        usleep(1_500_000)  // the producer says nothing, and keeps its end of the pipe open
        let beats = try SessionDatabase(path: journal).beats(sessionID: 1)
        #expect(beats.map(\.rrMilliseconds) == [800, 810, 790, 805])
        #expect(live.interrupt() == 0, "\(live.stderr)")
        let outcome = try SessionDatabase(path: journal).outcome(sessionID: 1)
        #expect(outcome?.outcome == "ended_early")
        try input.fileHandleForWriting.close()
    }
}
