// SPDX-License-Identifier: Apache-2.0

/// Cuts a byte stream into lines of at most `maximumLineBytes` bytes, holding no more than one
/// line and one read's worth of bytes: a producer that never sends a newline gets `.tooLong`
/// once the limit is passed, instead of a buffer that grows until memory runs out.
public struct LineSplitter {
    /// The longest line `lull session --source stdin` reads, in bytes without its line break. A
    /// beat line is a number or {"rr_ms": number}, a few dozen bytes; 1 KiB leaves room for
    /// blanks, a comment or a JSON object with other keys.
    public static let maximumLineBytes = 1024

    public enum Line: Equatable, Sendable {
        /// A line without its "\n" or "\r\n" (the last line of the input may lack one).
        case line(String)
        /// More than `maximumLineBytes` before a line break.
        case tooLong
    }

    private var buffer: [UInt8] = []
    private var start = 0
    public let maximumLineBytes: Int

    public init(maximumLineBytes: Int = LineSplitter.maximumLineBytes) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Bytes received and not yet returned as a line.
    public var pendingBytes: Int { buffer.count - start }

    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line, `.tooLong`, or nil when more bytes are needed.
    public mutating func next() -> Line? {
        let limit = min(buffer.count, start + maximumLineBytes + 2)  // room for "\r\n"
        if let newline = buffer[start..<limit].firstIndex(of: UInt8(ascii: "\n")) {
            return take(upTo: newline, skipping: 1)
        }
        return pendingBytes > maximumLineBytes + 1 ? .tooLong : nil
    }

    /// At the end of the input: the last line if it had no line break, else nil.
    public mutating func finish() -> Line? {
        guard let line = next() else { return pendingBytes > 0 ? take(upTo: buffer.count, skipping: 0) : nil }
        return line
    }

    private mutating func take(upTo end: Int, skipping separator: Int) -> Line {
        var bytes = buffer[start..<end]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        start = end + separator
        if bytes.count > maximumLineBytes { return .tooLong }
        return .line(String(decoding: bytes, as: UTF8.self))
    }
}
