// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc
import Testing

@testable import ControlClient

/// The control API's client over a real AF_UNIX stream socket, against a server that answers one
/// request with the bytes a test gives it.
@Suite struct ControlClientTests {
    /// Listens on a fresh socket path; answers the first connection with `reply` after reading the
    /// request head, and hands the request it read to `received`.
    static func serve(_ reply: String, received: @escaping @Sendable (String) -> Void) throws -> (String, Thread) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lull-cc-\(UUID().uuidString.prefix(8)).sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else { throw POSIXError(.EADDRINUSE) }
        let thread = Thread {
            let client = accept(fd, nil, nil)
            var request = [UInt8]()
            var byte: UInt8 = 0
            while read(client, &byte, 1) == 1 {
                request.append(byte)
                if request.suffix(4) == Array("\r\n\r\n".utf8) { break }
            }
            received(String(decoding: request, as: UTF8.self))
            _ = Array(reply.utf8).withUnsafeBufferPointer { write(client, $0.baseAddress, $0.count) }
            close(client)
            close(fd)
            unlink(path)
        }
        thread.start()
        return (path, thread)
    }

    @Test func aChunkedReplyIsReadWholeAndTheRequestIsHTTP11() throws {
        let seen = RequestBox()
        let (path, _) = try Self.serve(
            "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{\"id\":4\r\n1\r\n}\r\n0\r\n\r\n",
            received: { seen.set($0) })
        let reply = try ControlClient(socket: path, environment: [:]).request("POST", "/api/start", json: "{}")
        #expect(reply.status == 202)
        #expect(reply.body == #"{"id":4}"#)
        #expect(ControlReply.object(reply.body)["id"] as? Int == 4)
        let head = seen.get()
        #expect(head.hasPrefix("POST /api/start HTTP/1.1\r\n"))
        #expect(head.contains("Content-Length: 2\r\n"))
    }

    @Test func anErrorReplySaysTheDaemonsWords() throws {
        let (path, _) = try Self.serve(
            "HTTP/1.1 409 Conflict\r\nContent-Length: 36\r\n\r\n{\"error\":\"a session is running now\"}", received: { _ in })
        let reply = try ControlClient(socket: path, environment: [:]).request("POST", "/api/start", json: "{}")
        #expect(reply.status == 409)
        #expect(ControlReply.error(reply) == "a session is running now")
    }

    @Test func noDaemonIsOneLineNamingTheSocket() {
        let path = "/tmp/lull-cc-missing-\(UUID().uuidString.prefix(8)).sock"
        #expect(throws: ControlClientError("lull daemon is not running (no socket at \(path))")) {
            try ControlClient(socket: path, environment: [:]).request("GET", "/api/status")
        }
    }
}

final class RequestBox: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func set(_ value: String) { lock.withLock { text = value } }
    func get() -> String { lock.withLock { text } }
}
