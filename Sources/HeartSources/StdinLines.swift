// SPDX-License-Identifier: Apache-2.0
import Glibc
import StdinBeats

/// Lines of a file descriptor (standard input), read with read(2) behind poll(2) so that a reader
/// waiting for a silent producer wakes every so often: the session loop commits the journal and
/// notices a stop request meanwhile, where `readLine()` would block until the next line.
package struct StdinLines {
    package enum Next: Equatable, Sendable {
        case line(String)
        /// Nothing arrived within the timeout, or bytes arrived that do not finish a line yet (a
        /// producer that trickles bytes without a newline must not keep a stop request unheard).
        case idle
        /// A line longer than `LineSplitter.maximumLineBytes`.
        case tooLong
        case end
    }

    package let fd: Int32
    private var lines = LineSplitter()
    private var ended = false
    private var chunk = [UInt8](repeating: 0, count: 65536)

    package init(fd: Int32 = STDIN_FILENO) { self.fd = fd }

    /// The next line without its "\n" or "\r\n" (the last line may lack one), `.idle` after
    /// `timeoutMilliseconds` of silence or after a read that did not finish a line, `.tooLong`, or
    /// `.end` at end of input or on a read error.
    package mutating func next(timeoutMilliseconds: Int32) -> Next {
        if let line = lines.next() { return Self.next(line) }
        if ended { return lines.finish().map(Self.next) ?? .end }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, timeoutMilliseconds)
        if ready == 0 { return .idle }
        if ready < 0 {
            if errno != EINTR { ended = true }
            return .idle
        }
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            chunk.withUnsafeBufferPointer { lines.append(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            ended = true
        }
        if let line = lines.next() { return Self.next(line) }
        if ended { return lines.finish().map(Self.next) ?? .end }
        return .idle
    }

    private static func next(_ line: LineSplitter.Line) -> Next {
        switch line {
        case .line(let text): .line(text)
        case .tooLong: .tooLong
        }
    }
}
