// SPDX-License-Identifier: Apache-2.0
import Glibc
public import Logging

/// A swift-log handler that writes what journald shows well, and a readable line elsewhere.
///
/// Under systemd, stderr is a stream to journald, which timestamps every line itself and reads a
/// `<N>` prefix as the syslog priority (sd-daemon(3): SD_ERR is "<3>"). So there each line is
/// `<6>message key=value`, with no timestamp of ours beside journald's and the level kept as
/// the priority `journalctl -p warning` filters on. On a terminal or in a file, each line is
/// `2026-11-22T03:45:12.123Z info lull.daemon: message key=value`.
///
/// Whether stderr is the journal is what systemd.exec(5) says to check: `$JOURNAL_STREAM` holds the
/// device and inode of the stream it connected, and they match stderr only if nobody redirected it.
public struct JournalLogHandler: LogHandler {
    public enum Format: Sendable, Equatable {
        /// `<N>message key=value`: stderr is connected to journald.
        case journal
        /// `TIMESTAMP level label: message key=value`.
        case plain
    }

    public let label: String
    public let format: Format
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let write: @Sendable (String) -> Void

    /// A handler writing each finished line (with its newline) to `write`.
    public init(
        label: String, format: Format, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.format = format
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// The handler for the process: stderr, as journal lines when stderr is the journal. For
    /// `LoggingSystem.bootstrap { JournalLogHandler.standardError(label: $0) }`.
    public static func standardError(label: String, metadataProvider: Logger.MetadataProvider? = nil) -> Self {
        let stream = getenv("JOURNAL_STREAM").map { String(cString: $0) }
        let format = Self.format(journalStream: stream, descriptor: STDERR_FILENO)
        return Self(label: label, format: format, metadataProvider: metadataProvider) { line in
            writeAll(line, to: STDERR_FILENO)
        }
    }

    /// `.journal` when `journalStream` ("DEVICE:INODE", decimal) names the file open on `descriptor`.
    public static func format(journalStream: String?, descriptor: Int32) -> Format {
        guard let journalStream else { return .plain }
        let parts = journalStream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return .plain }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .plain }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode ? .journal : .plain
    }

    /// The syslog priority of a level (sd-daemon(3), syslog(3)): trace and debug → 7 (debug),
    /// info → 6, notice → 5, warning → 4, error → 3 (err), critical → 2 (crit).
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        write(line(event))
    }

    /// The text written for `event`, newline included.
    func line(_ event: LogEvent, now: timespec = Self.now()) -> String {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let own = event.metadata { all.merge(own) { $1 } }
        let fields = all.keys.sorted().map { "\($0)=\(Self.quotedIfNeeded(all[$0]!.description))" }
        let text = ([event.message.description] + fields).joined(separator: " ")
        switch format {
        case .journal:
            // journald reads each line on its own: every line of a multi-line message keeps the priority.
            let prefix = "<\(Self.priority(event.level))>"
            return text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n")
                + "\n"
        case .plain:
            return "\(Self.timestamp(now)) \(event.level) \(label): \(text)\n"
        }
    }

    private static func quotedIfNeeded(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else {
            return value
        }
        var escaped = ""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }

    static func now() -> timespec {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time
    }

    /// ISO 8601 in UTC with milliseconds: sortable, and unambiguous across a daylight-saving change.
    static func timestamp(_ time: timespec) -> String {
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let milliseconds = Int(time.tv_nsec / 1_000_000)
        let millisecondsText = String(repeating: "0", count: 3 - String(milliseconds).count) + String(milliseconds)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
            + "\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millisecondsText)Z"
    }
}

/// One write(2) per line where the kernel allows, so lines from several threads never interleave
/// mid-line (writes to a pipe or stream socket up to PIPE_BUF bytes are atomic).
func writeAll(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return  // nowhere left to report a failed log write
        }
        bytes = bytes.dropFirst(written)
    }
}
