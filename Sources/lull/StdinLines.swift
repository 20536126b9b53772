// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Lines of a file descriptor (standard input), read with read(2) behind poll(2) so that a reader
/// waiting for a silent producer wakes every so often: the session loop commits the journal and
/// notices a stop request meanwhile, where `readLine()` would block until the next line.
struct StdinLines {
    enum Next: Equatable {
        case line(String)
        /// Nothing arrived within the timeout.
        case idle
        case end
    }

    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(fd: Int32 = STDIN_FILENO) { self.fd = fd }

    /// The next line without its "\n" or "\r\n" (the last line may lack one), `.idle` after
    /// `timeoutMilliseconds` of silence, or `.end` at end of input or on a read error.
    mutating func next(timeoutMilliseconds: Int32) -> Next {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                return .line(takeLine(upTo: newline, skipping: 1))
            }
            if ended { return start < buffer.count ? .line(takeLine(upTo: buffer.count, skipping: 0)) : .end }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, timeoutMilliseconds)
            if ready == 0 { return .idle }
            if ready < 0 {
                if errno != EINTR { ended = true }
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                ended = true
            }
        }
    }

    private mutating func takeLine(upTo end: Int, skipping separator: Int) -> String {
        var bytes = buffer[start..<end]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        start = end + separator
        if start >= 65536 {
            buffer.removeFirst(start)
            start = 0
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
