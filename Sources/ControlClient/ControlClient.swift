// SPDX-License-Identifier: Apache-2.0
import LullWire
package import Foundation
import Glibc

/// A small HTTP/1.1 client for the daemon's control socket (RFC 9112), over a connected AF_UNIX
/// stream socket: Foundation's URLSession cannot reach Unix sockets on Linux, and the API needs
/// only a request, a status, a body (plain or chunked) and, for `/api/events`, a stream of lines.
package struct ControlClient {
    package let socketPath: String

    package struct Reply {
        package var status: Int
        package var body: String
    }

    /// `--socket`, else `$LULL_CONTROL_SOCKET_PATH` (the daemon's own override), else the default
    /// a daemon of this user would bind, else the system service's `/run/lull/control.sock` when
    /// only that one exists (a kiosk user in group lull then needs no `--socket`).
    package init(socket: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let path = socket ?? environment["LULL_CONTROL_SOCKET_PATH"].flatMap({ $0.isEmpty ? nil : $0 }) {
            socketPath = path
            return
        }
        let own = ControlSocket.defaultPath(environment: environment)
        let service = "/run/lull/control.sock"
        let exists = { (path: String) in FileManager.default.fileExists(atPath: path) }
        socketPath = !exists(own) && exists(service) ? service : own
    }

    /// One request; the whole reply.
    package func request(_ method: String, _ path: String, json body: String? = nil) throws(ControlClientError) -> Reply {
        let connection = try open(method, path, body: body)
        defer { close(connection.fd) }
        let (status, headers) = try connection.readHead()
        var text = Data()
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while let chunk = try connection.readChunk() { text.append(chunk) }
        } else if let length = headers["content-length"].flatMap(Int.init) {
            text = try connection.read(count: length)
        } else {
            while let chunk = try connection.readSome() { text.append(chunk) }
        }
        return Reply(status: status, body: String(decoding: text, as: UTF8.self))
    }

    /// `GET path` as server-sent events: `onEvent(name, data)` for each, until it returns false or
    /// the stream ends. Comment lines (`: ping`) are skipped (WHATWG HTML §9.2.6).
    package func events(_ path: String, onEvent: (String, String) -> Bool) throws(ControlClientError) {
        let connection = try open("GET", path, body: nil)
        defer { close(connection.fd) }
        let (status, headers) = try connection.readHead()
        guard status == 200 else { throw ControlClientError("\(path): HTTP \(status)") }
        let chunked = headers["transfer-encoding"]?.lowercased() == "chunked"
        var pending = Data()
        var name = "message"
        var data: [String] = []
        while true {
            let chunk = try (chunked ? connection.readChunk() : connection.readSome())
            guard let chunk else { return }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.isEmpty {
                    if !data.isEmpty, !onEvent(name, data.joined(separator: "\n")) { return }
                    name = "message"
                    data = []
                } else if line.hasPrefix("event:") {
                    name = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
                } else if line.hasPrefix("data:") {
                    data.append(String(line.dropFirst(line.hasPrefix("data: ") ? 6 : 5)))
                }
            }
        }
    }

    private func open(_ method: String, _ path: String, body: String?) throws(ControlClientError) -> Connection {
        if (socketPath as NSString).deletingLastPathComponent == ControlSocket.fallbackFolder {
            try ControlSocket.checkFallbackFolder(create: false)
        }
        let fd: Int32
        do {
            fd = try ControlSocket.connect(path: socketPath)
        } catch {
            switch error {
            case .missing: throw ControlClientError("lull daemon is not running (no socket at \(socketPath))")
            case .refused: throw ControlClientError("lull daemon is not running (nothing listens on \(socketPath))")
            case .other(let message): throw ControlClientError("cannot reach lull daemon: \(message)")
            }
        }
        let connection = Connection(fd: fd)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: lull\r\nConnection: close\r\n"
        let payload = Array((body ?? "").utf8)
        if body != nil { head += "Content-Type: application/json\r\n" }
        head += "Content-Length: \(payload.count)\r\n\r\n"
        do {
            try connection.write(Array(head.utf8) + payload)
        } catch {
            close(fd)
            throw error
        }
        return connection
    }

    /// A connected socket with a read buffer.
    package final class Connection {
        package let fd: Int32
        private var buffer = Data()

        package init(fd: Int32) { self.fd = fd }

        package func write(_ bytes: [UInt8]) throws(ControlClientError) {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ControlClientError("lull daemon: write: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }

        /// Bytes from the buffer or the socket; nil at end of stream.
        package func readSome() throws(ControlClientError) -> Data? {
            if !buffer.isEmpty {
                defer { buffer.removeAll() }
                return buffer
            }
            var bytes = [UInt8](repeating: 0, count: 16_384)
            while true {
                let n = bytes.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 { return Data(bytes[0..<n]) }
                if n == 0 { return nil }
                if errno == EINTR { continue }
                throw ControlClientError("lull daemon: read: \(String(cString: strerror(errno)))")
            }
        }

        private func fill() throws(ControlClientError) -> Bool {
            guard let more = try readSome() else { return false }
            buffer.append(more)
            return true
        }

        /// One CRLF-terminated line, without its terminator.
        package func readLine() throws(ControlClientError) -> String {
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = buffer[buffer.startIndex..<newline]
                    if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                    let text = String(decoding: line, as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    return text
                }
                guard try fill() else { throw ControlClientError("lull daemon closed the connection mid-reply") }
            }
        }

        package func read(count: Int) throws(ControlClientError) -> Data {
            while buffer.count < count {
                guard try fill() else { throw ControlClientError("lull daemon closed the connection mid-reply") }
            }
            let out = buffer.prefix(count)
            buffer.removeSubrange(buffer.startIndex..<(buffer.startIndex + count))
            return Data(out)
        }

        /// The status code and the headers (names lowercased).
        package func readHead() throws(ControlClientError) -> (Int, [String: String]) {
            let statusLine = try readLine()
            let parts = statusLine.split(separator: " ")
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
                throw ControlClientError("lull daemon: not an HTTP reply: \(statusLine.prefix(60))")
            }
            var headers: [String: String] = [:]
            while true {
                let line = try readLine()
                if line.isEmpty { break }
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return (status, headers)
        }

        /// One chunk of a chunked body; nil after the last (RFC 9112 §7.1).
        package func readChunk() throws(ControlClientError) -> Data? {
            let sizeLine = try readLine()
            guard let size = Int(sizeLine.split(separator: ";").first.map(String.init) ?? "", radix: 16) else {
                throw ControlClientError("lull daemon: bad chunk size '\(sizeLine.prefix(20))'")
            }
            if size == 0 { return nil }
            let data = try read(count: size)
            _ = try readLine()
            return data
        }
    }
}

/// What keeps a control request from being answered, as one line (the daemon's socket is missing
/// or refuses, a reply is cut short).
package struct ControlClientError: Error, CustomStringConvertible, Equatable {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// The daemon's reply bodies as the verbs read them.
package enum ControlReply {
    package static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// The reply's `{"error": ...}` line, or its status when it has none.
    package static func error(_ reply: ControlClient.Reply) -> String {
        (object(reply.body)["error"] as? String) ?? "lull daemon answered HTTP \(reply.status)"
    }
}
