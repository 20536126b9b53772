// SPDX-License-Identifier: Apache-2.0
import Foundation
import SessionStore
import StdinBeats
import Testing

/// RR values no heart makes, and stdin producers that misbehave: each once trapped, exhausted
/// memory or kept a stop request unheard.
@Suite struct InputBoundsTests {
    typealias Folder = JournalCommandTests.Folder

    /// `lull hrv` on a file with 1e300 (a Double-to-Int trap before) or 400 lines of 1e9 (the OOM
    /// killer before): one line naming the file and the line.
    @Test(.timeLimit(.minutes(1)), arguments: [
        ("800\n1e300\n820\n810\n", "line 2: RR interval 1e+300 ms is outside 200-10000 ms"),
        (String(repeating: "1e9\n", count: 400), "line 1: RR interval 1000000000.0 ms is outside 200-10000 ms"),
    ])
    func hrvRefusesAnImpossibleIntervalNamingFileAndLine(_ text: String, _ expected: String) throws {
        let folder = try Folder()
        let file = folder.path("rr.txt")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try LullProcess.run(["hrv", file, "--json"])
        #expect(run.status == 1)
        #expect(run.stderr.hasSuffix("\(file): \(expected)\n"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stdout.isEmpty)
    }

    /// On stdin the same values are artifacts: one state line per line read, the clock moves by
    /// 3 s at most for each, the journal names the line, and the session ends normally.
    @Test(.timeLimit(.minutes(1)))
    func stdinOutOfRangeValuesAreArtifactsAndTheSessionGoesOn() throws {
        let folder = try Folder()
        let db = folder.path("j.sqlite")
        var input = String(repeating: "800\n", count: 60) + "1e300\n" + String(repeating: "800\n", count: 60)
        input += String(repeating: "1e9\n", count: 400)
        let run = try LullProcess.run(
            ["session", "--source", "stdin", "--minutes", "60", "--audio", "none", "--json", "--db", db],
            stdin: Data(input.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let beats = try JournalCommandTests.jsonBeats(run.stdout)
        #expect(beats.count == 521)
        #expect(beats[60].rr == 3000)
        #expect(abs(beats.last!.t - (120 * 0.8 + 401 * 3)) < 0.01)
        let database = try SessionDatabase(path: db)
        let stored = try database.beats(sessionID: 1)
        #expect(stored.count == 521)
        #expect(stored[60].flag == "no_contact" && stored[60].contact == false)
        #expect(stored[59].contact && stored[61].contact)
        let session = try #require(try database.session(id: 1))
        let outOfRange = session.events.filter { $0.kind == "rr_out_of_range" }
        #expect(outOfRange.count == 401)
        #expect(outOfRange.first?.detail == "stdin line 61: 1e+300 ms")
        #expect(try database.outcome(sessionID: 1)?.outcome == "ended_early")
    }

    /// A line longer than the limit is an error at once: the 2 MB line is never held whole.
    @Test(.timeLimit(.minutes(1)))
    func anEndlessStdinLineIsAnError() throws {
        let input = Data(repeating: UInt8(ascii: "8"), count: 2_000_000)
        let run = try LullProcess.run(
            ["session", "--source", "stdin", "--audio", "none", "--no-record"], stdin: Data("800\n".utf8) + input)
        #expect(run.status == 1)
        #expect(run.stderr.hasSuffix("stdin line 2: longer than 1024 bytes; one RR interval in ms per line\n"), "\(run.stderr)")
    }

    /// A producer that trickles bytes and never sends the newline: SIGTERM still ends the session
    /// softly with its summary (before, the reader kept reading and the stop went unheard).
    @Test(.timeLimit(.minutes(1)), arguments: [SIGTERM, SIGINT])
    func aSignalEndsTheSessionWhateverStdinDoes(_ signalNumber: Int32) throws {
        let folder = try Folder()
        let input = Pipe()
        let live = try StrapLiveProcess(
            ["session", "--source", "stdin", "--audio", "none", "--json", "--db", folder.path("j.sqlite")], stdin: input)
        input.fileHandleForWriting.write(Data("800\n810\n".utf8))
        for _ in 0..<2 { #expect(live.nextLine() != nil) }
        let writer = input.fileHandleForWriting
        signal(SIGPIPE, SIG_IGN)  // the trickle may outlive the reader: a write error, not a signal
        let trickle = Thread {
            // One digit every 20 ms, never a newline, the pipe never closed (within the line limit).
            for _ in 0..<500 {
                guard (try? writer.write(contentsOf: Data("8".utf8))) != nil else { return }
                usleep(20_000)
            }
        }
        trickle.start()
        usleep(600_000)
        kill(live.process.processIdentifier, signalNumber)
        #expect(live.waitForExit() == 0, "\(live.stderr)")
        let summary = try #require(live.nextLine())
        #expect(summary.hasPrefix("{\"summary\""))
        let outcome = try SessionDatabase(path: folder.path("j.sqlite")).outcome(sessionID: 1)
        #expect(outcome?.outcome == "ended_early")
    }

    @Test func lineSplitterHoldsNoMoreThanALineAndARead() {
        var splitter = LineSplitter(maximumLineBytes: 8)
        func feed(_ text: String) {
            var text = text
            text.withUTF8 { splitter.append($0) }
        }
        feed("812\r\n79")
        #expect(splitter.next() == .line("812"))
        #expect(splitter.next() == nil)
        feed("0\n12345678\n")
        #expect(splitter.next() == .line("790"))
        #expect(splitter.next() == .line("12345678"))
        feed("123456789")
        #expect(splitter.next() == nil)  // nine bytes: the newline may still come
        feed("0")
        #expect(splitter.next() == .tooLong)
        var last = LineSplitter(maximumLineBytes: 8)
        var text = "800\n805"
        text.withUTF8 { last.append($0) }
        #expect(last.next() == .line("800"))
        #expect(last.finish() == .line("805"))
        #expect(last.finish() == nil)
    }

    @Test(arguments: [
        ("812.5", StdinBeat.beat(milliseconds: 812.5)), ("{\"rr_ms\": 790}", .beat(milliseconds: 790)),
        ("  # comment", .skip), ("", .skip), ("1e300", .outOfRange(milliseconds: 1e300)),
        ("0", .outOfRange(milliseconds: 0)), ("-5", .outOfRange(milliseconds: -5)),
        ("3000.5", .outOfRange(milliseconds: 3000.5)), ("inf", .invalid), ("nan", .invalid), ("fast", .invalid),
    ])
    func stdinBeatReadsTheLine(_ line: String, _ expected: StdinBeat) {
        #expect(StdinBeat(line: line) == expected)
    }
}
