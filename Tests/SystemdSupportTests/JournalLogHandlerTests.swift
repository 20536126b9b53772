// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import Synchronization
import Testing

@testable import SystemdSupport

/// The lines a handler wrote.
final class Lines: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var all: [String] { storage.withLock { $0 } }
}

@Suite struct JournalLogHandlerTests {
    func logger(_ format: JournalLogHandler.Format, _ lines: Lines) -> Logger {
        var logger = Logger(label: "lull.test") { JournalLogHandler(label: $0, format: format, write: lines.append) }
        logger.logLevel = .trace
        return logger
    }

    @Test func journalLinesCarryThePriorityAndNoTimestamp() {
        let lines = Lines()
        let logger = logger(.journal, lines)
        logger.trace("t")
        logger.debug("d")
        logger.info("ready", metadata: ["socket": "/run/lull/control.sock"])
        logger.notice("n")
        logger.warning("strap lost", metadata: ["after_s": "12.5", "strap": "Polar H10"])
        logger.error("e")
        logger.critical("c")
        #expect(
            lines.all == [
                "<7>t\n", "<7>d\n", "<6>ready socket=/run/lull/control.sock\n", "<5>n\n",
                "<4>strap lost after_s=12.5 strap=\"Polar H10\"\n", "<3>e\n", "<2>c\n",
            ])
    }

    @Test func everyLineOfAMultiLineMessageKeepsItsPriority() {
        let lines = Lines()
        logger(.journal, lines).error("first\nsecond")
        #expect(lines.all == ["<3>first\n<3>second\n"])
    }

    @Test func plainLinesAreTimestampedWithLevelAndLabel() throws {
        let lines = Lines()
        var logger = logger(.plain, lines)
        logger[metadataKey: "session"] = "7"
        logger.info("started", metadata: ["minutes": "20"])
        let line = try #require(lines.all.first)
        let pattern = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info lull\.test: started minutes=20 session=7\n$/#
        #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
    }

    @Test func levelBelowTheThresholdIsNotWritten() {
        let lines = Lines()
        var logger = logger(.journal, lines)
        logger.logLevel = .info
        logger.debug("hidden")
        logger.info("shown")
        #expect(lines.all == ["<6>shown\n"])
    }

    @Test func timestampIsUTCWithMilliseconds() {
        #expect(JournalLogHandler.timestamp(timespec(tv_sec: 0, tv_nsec: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(
            JournalLogHandler.timestamp(timespec(tv_sec: 1_763_782_512, tv_nsec: 7_900_000)) == "2025-11-22T03:35:12.007Z")
    }

    /// systemd.exec(5): JOURNAL_STREAM is "DEVICE:INODE" of the stream connected to stderr.
    @Test func journalFormatOnlyWhenJournalStreamIsTheDescriptor() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lull-stream-\(UUID())").path
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
        defer {
            close(descriptor)
            unlink(path)
        }
        var status = stat()
        try #require(fstat(descriptor, &status) == 0)
        let stream = "\(status.st_dev):\(status.st_ino)"
        #expect(JournalLogHandler.format(journalStream: stream, descriptor: descriptor) == .journal)
        #expect(JournalLogHandler.format(journalStream: "\(status.st_dev):\(status.st_ino + 1)", descriptor: descriptor) == .plain)
        #expect(JournalLogHandler.format(journalStream: nil, descriptor: descriptor) == .plain)
        #expect(JournalLogHandler.format(journalStream: "garbage", descriptor: descriptor) == .plain)
        #expect(JournalLogHandler.format(journalStream: stream, descriptor: -1) == .plain)
    }
}
