// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc

/// Calls `body` with `path` as an AF_UNIX socket address (unix(7)), for bind(2) and connect(2).
func withUnixAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: Array(path.utf8))
        raw[path.utf8.count] = 0
    }
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

/// A datagram socket the test binds and hands to the daemon as `$NOTIFY_SOCKET`: it receives the
/// daemon's real sd_notify messages (READY=1, STATUS=, WATCHDOG=1, STOPPING=1).
final class NotifySocket {
    let path: String
    private let fd: Int32
    /// Every message received so far, with when it arrived.
    private(set) var messages: [(text: String, at: ContinuousClock.Instant)] = []

    init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let result = withUnixAddress(path) { bind(fd, $0, $1) }
        guard fd >= 0, result == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Waits up to `seconds` for the next datagram; nil on timeout.
    @discardableResult
    func receive(seconds: Double) -> String? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(seconds * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        messages.append((text, .now))
        return text
    }

    /// Receives until a message contains `line` (e.g. "READY=1"), for at most `seconds`.
    func wait(for line: String, seconds: Double) -> Bool {
        if messages.contains(where: { $0.text.split(separator: "\n").contains(Substring(line)) }) { return true }
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let text = receive(seconds: 0.2), text.split(separator: "\n").contains(Substring(line)) { return true }
        }
        return false
    }

    /// Receives for `seconds`, then counts the messages of that period that contain `line`.
    func count(_ line: String, during seconds: Double) -> Int {
        let start = messages.count
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline { receive(seconds: 0.1) }
        return messages[start...].filter { $0.text.split(separator: "\n").contains(Substring(line)) }.count
    }
}

/// `lull daemon` as a child process with a scratch folder, its own configuration and a test
/// notify socket.
final class DaemonProcess {
    let folder: URL
    let process = Process()
    let notify: NotifySocket
    let socketPath: String
    let journalPath: String
    let startedAt: ContinuousClock.Instant

    /// `configuration` is YAML; the control socket and the journal go in the scratch folder
    /// unless it names them. `fileLimit` runs it under `ulimit -n`, as systemd's `LimitNOFILE=`.
    init(folder: URL, configuration: String, environment: [String: String] = [:], fileLimit: Int? = nil) throws {
        self.folder = folder
        socketPath = folder.appendingPathComponent("control.sock").path
        journalPath = folder.appendingPathComponent("lull.sqlite").path
        var yaml = configuration
        if !yaml.contains("control:") { yaml += "\ncontrol:\n  socket_path: \"\(socketPath)\"\n" }
        if !yaml.contains("journal:") { yaml += "\njournal:\n  path: \"\(journalPath)\"\n" }
        let configPath = folder.appendingPathComponent("lull.yaml")
        try yaml.write(to: configPath, atomically: true, encoding: .utf8)
        notify = try NotifySocket(path: folder.appendingPathComponent("notify.sock").path)
        process.executableURL = LullProcess.binary
        process.arguments = ["daemon", "--config", configPath.path]
        if let fileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                ["-c", "ulimit -n \(fileLimit) && exec \"$0\" \"$@\"", LullProcess.binary.path] + process.arguments!
        }
        var base = ProcessInfo.processInfo.environment
        base["XDG_STATE_HOME"] = folder.appendingPathComponent("state").path
        base["STATE_DIRECTORY"] = nil
        for key in base.keys where key.hasPrefix("LULL_") { base[key] = nil }
        base["NOTIFY_SOCKET"] = notify.path
        process.environment = base.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: Self.file(folder, "daemon.out"))
        process.standardError = try FileHandle(forWritingTo: Self.file(folder, "daemon.err"))
        process.standardInput = FileHandle.nullDevice
        startedAt = .now
        try process.run()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    static func file(_ folder: URL, _ name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }

    var stderr: String { (try? String(contentsOf: folder.appendingPathComponent("daemon.err"), encoding: .utf8)) ?? "" }

    /// Runs a client verb against this daemon's socket.
    func client(_ arguments: [String]) throws -> LullResult {
        try LullProcess.run(arguments + ["--socket", socketPath])
    }

    /// SIGTERM, then the exit status.
    func terminate() -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Polls `GET /api/status` until `predicate` holds (at most `seconds`); the last status seen.
    func status(until predicate: ([String: Any]) -> Bool, seconds: Double) throws -> [String: Any] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        var last: [String: Any] = [:]
        repeat {
            let reply = try DaemonHTTP.request(socket: socketPath, "GET", "/api/status")
            last = (try? JSONSerialization.jsonObject(with: Data(reply.body.utf8))) as? [String: Any] ?? [:]
            if predicate(last) { return last }
            usleep(100_000)
        } while ContinuousClock.now < deadline
        return last
    }
}

/// Raw HTTP/1.1 requests to the control socket, independent of `lull`'s own client.
enum DaemonHTTP {
    static func request(socket path: String, _ method: String, _ target: String, body: String = "") throws
        -> (status: Int, contentType: String, body: String)
    {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        let connected = withUnixAddress(path) { connect(fd, $0, $1) }
        guard connected == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return exchange(fd, method, target, host: "t", headers: [:], body: body)
    }

    /// The same over the loopback TCP listener (`control.port`), with extra request headers.
    static func request(
        port: Int, _ method: String, _ target: String, host: String? = nil, headers: [String: String] = [:],
        body: String = ""
    ) throws -> (status: Int, contentType: String, body: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return exchange(fd, method, target, host: host ?? "127.0.0.1:\(port)", headers: headers, body: body)
    }

    /// A free loopback port: bound to port 0, read back, closed (the daemon binds it right after).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 ? getsockname(fd, $0, &length) : -1
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func exchange(
        _ fd: Int32, _ method: String, _ target: String, host: String, headers: [String: String], body: String
    ) -> (status: Int, contentType: String, body: String) {
        let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
        let request =
            "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\(extra)Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var reply = Data()
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            reply.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return (0, "", text) }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let contentType =
            head.first { $0.lowercased().hasPrefix("content-type:") }.map {
                $0.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
            } ?? ""
        return (status, contentType, String(text[split.upperBound...]))
    }
}
