// SPDX-License-Identifier: Apache-2.0
import Glibc
public import Logging

extension JournalLogHandler {
    /// Writes `line` to stderr with the syslog priority of `level`, for what is printed before (or
    /// instead of) the logging system: a configuration error, the error that ends the daemon. Under
    /// systemd the line is `<3>line` for `.error`, so `journalctl -p err` shows it (without the
    /// prefix journald stores every stderr line at info); elsewhere it is `line` unchanged.
    public static func writeStandardError(_ line: String, level: Logger.Level) {
        let stream = getenv("JOURNAL_STREAM").map { String(cString: $0) }
        writeAll(standardErrorText(line, level: level, format: format(journalStream: stream, descriptor: STDERR_FILENO)), to: STDERR_FILENO)
    }

    /// The text `writeStandardError` writes, newline included.
    public static func standardErrorText(_ line: String, level: Logger.Level, format: Format) -> String {
        switch format {
        case .journal:
            let prefix = "<\(priority(level))>"
            return line.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n") + "\n"
        case .plain:
            return line + "\n"
        }
    }
}
