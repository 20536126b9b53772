// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc
import SessionStore
import Testing

/// The control API against a hostile neighbour (issue: "Hardening"), each attack reproduced
/// against a real `lull daemon` and its real listeners.
@Suite struct ControlHardeningTests {
    static func kioskDaemon(_ folder: URL, port: Int, therapistCode: String? = nil, fileLimit: Int? = nil) throws
        -> DaemonProcess
    {
        try DaemonProcess(
            folder: folder,
            configuration: """
                strap:
                  address: simulate
                audio:
                  device: none
                kiosk:
                  therapist_code: \(therapistCode.map { "\"\($0)\"" } ?? "null")
                control:
                  socket_path: "\(folder.appendingPathComponent("control.sock").path)"
                  port: \(port)
                """, fileLimit: fileLimit)
    }

    /// Before: 1,100 idle TCP connections made the daemon run out of descriptors (systemd's 1,024),
    /// so `/api/status` timed out and `lull status` and `lull stop` hung on the Unix socket.
    @Test(.timeLimit(.minutes(3)))
    func underElevenHundredIdleConnectionsOnEachListenerStatusAnswersAndStopEndsTheSession() throws {
        let folder = try DaemonTests.scratch("flood")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = DaemonHTTP.freePort()
        let daemon = try Self.kioskDaemon(folder, port: port, fileLimit: 1024)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        let started = try daemon.client(["start", "--minutes", "30", "--client", "A7"])
        #expect(started.status == 0, "\(started.stderr)")
        RawHTTP.raiseFileLimit()

        var idle: [Int32] = []
        defer { idle.forEach { close($0) } }
        for _ in 0..<1_100 { if let fd = RawHTTP.connect(port: port, blocking: false) { idle.append(fd) } }
        let deadline = ContinuousClock.now + .seconds(30)
        var unixConnections = 0
        while unixConnections < 1_100 && ContinuousClock.now < deadline {
            if let fd = RawHTTP.connect(unix: daemon.socketPath, blocking: false) {
                idle.append(fd)
                unixConnections += 1
            } else {
                usleep(1_000)
            }
        }
        #expect(idle.count == 2_200, "connections made: \(idle.count)")
        usleep(500_000)

        let before = ContinuousClock.now
        let status = RawHTTP.exchange(unix: daemon.socketPath, "GET /api/status HTTP/1.1\r\nHost: lull\r\nConnection: close\r\n\r\n")
        let waited = ContinuousClock.now - before
        #expect(status?.status == 200, "status: \(String(describing: status)); \(daemon.stderr.suffix(500))")
        #expect(waited < .seconds(1), "GET /api/status took \(waited)")
        #expect(DaemonTests.object(status?.body ?? "")["state"] as? String == "running")

        let stop = try daemon.client(["stop"])
        #expect(stop.status == 0, "\(stop.stderr)")
        let ended = try daemon.status(until: { $0["state"] as? String == "idle" }, seconds: 20)
        #expect(ended["state"] as? String == "idle", "\(ended)")

        // The daemon holds no more than its two tables allow, well under the 1,024 it may open.
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon.process.processIdentifier)/fd"))?.count ?? 0
        #expect(descriptors > 0 && descriptors <= 128 + 256 + 64, "open descriptors: \(descriptors)")
        idle.forEach { close($0) }
        idle = []
        #expect(daemon.terminate() == 0, "\(daemon.stderr.suffix(500))")
    }

    /// Before: a connection could stay forever with nothing sent, half a head, or half a body.
    @Test(.timeLimit(.minutes(2)))
    func idleHalfHeadAndHalfBodyConnectionsAreClosedAfterTheirTimeouts() throws {
        let folder = try DaemonTests.scratch("timeouts")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = DaemonHTTP.freePort()
        let daemon = try Self.kioskDaemon(folder, port: port)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        let start = ContinuousClock.now
        let silent = try #require(RawHTTP.connect(port: port, blocking: true))
        let halfHead = try #require(RawHTTP.connect(port: port, blocking: true))
        RawHTTP.send(halfHead, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-Slow: ")
        let halfBody = try #require(RawHTTP.connect(unix: daemon.socketPath, blocking: true))
        RawHTTP.send(
            halfBody, "POST /api/start HTTP/1.1\r\nHost: lull\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"min")
        defer { [silent, halfHead, halfBody].forEach { close($0) } }

        let headClosed = RawHTTP.waitForClose(halfHead, until: start + .seconds(40)).map { $0 - start }
        let bodyClosed = RawHTTP.waitForClose(halfBody, until: start + .seconds(40)).map { $0 - start }
        let silentClosed = RawHTTP.waitForClose(silent, until: start + .seconds(45)).map { $0 - start }
        // Header and body: 10 s each; idle: 30 s (ConnectionLimits).
        #expect(headClosed.map { $0 >= .seconds(9) && $0 < .seconds(15) } == true, "\(String(describing: headClosed))")
        #expect(bodyClosed.map { $0 >= .seconds(9) && $0 < .seconds(15) } == true, "\(String(describing: bodyClosed))")
        #expect(silentClosed.map { $0 >= .seconds(29) && $0 < .seconds(36) } == true, "\(String(describing: silentClosed))")
        #expect(try daemon.status(until: { _ in true }, seconds: 1)["state"] as? String == "idle", "no session from half a body")
        #expect(daemon.terminate() == 0)
    }

    /// Before: `POST /api/start` with `Origin: http://evil.example` and `text/plain` answered 202,
    /// and `Host: rebind.attacker.example` was answered with the client's name and heart rate.
    @Test(.timeLimit(.minutes(2)))
    func crossOriginPostsAndForeignHostsAreRefusedAndOnlyTheKioskSeesClientData() throws {
        let folder = try DaemonTests.scratch("origin")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = DaemonHTTP.freePort()
        let daemon = try Self.kioskDaemon(folder, port: port)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        let kiosk = "http://127.0.0.1:\(port)"
        let start = #"{"minutes": 240, "client": "A7"}"#

        let forged = try DaemonHTTP.request(
            port: port, "POST", "/api/start", headers: ["Origin": "http://evil.example", "Content-Type": "text/plain"],
            body: start)
        #expect(forged.status == 403, "\(forged)")
        let plain = try DaemonHTTP.request(port: port, "POST", "/api/start", headers: ["Content-Type": "text/plain"], body: start)
        #expect(plain.status == 415, "\(plain)")
        let foreignJSON = try DaemonHTTP.request(
            port: port, "POST", "/api/start",
            headers: ["Origin": "http://evil.example", "Content-Type": "application/json"], body: start)
        #expect(foreignJSON.status == 403)
        let rebound = try DaemonHTTP.request(
            port: port, "POST", "/api/start", host: "rebind.attacker.example:\(port)",
            headers: ["Content-Type": "application/json"], body: start)
        #expect(rebound.status == 403)
        #expect(try daemon.status(until: { _ in true }, seconds: 1)["state"] as? String == "idle", "no session started")

        // The kiosk's own page starts one.
        let started = try DaemonHTTP.request(
            port: port, "POST", "/api/start", headers: ["Origin": kiosk, "Content-Type": "application/json"], body: start)
        #expect(started.status == 202, "\(started)")
        _ = try daemon.status(until: { $0["state"] as? String == "running" }, seconds: 10)

        for host in ["rebind.attacker.example", "rebind.attacker.example:\(port)", "127.0.0.1:1", "127.0.0.2:\(port)"] {
            let answer = try DaemonHTTP.request(port: port, "GET", "/api/status", host: host)
            #expect(answer.status == 403, "Host \(host): \(answer.status)")
            #expect(!answer.body.contains("A7"))
        }
        let anonymous = try DaemonHTTP.request(port: port, "GET", "/api/status")
        #expect(anonymous.status == 200)
        let anonymousSession = DaemonTests.object(anonymous.body)["session"] as? [String: Any]
        #expect(anonymousSession?["minutes"] as? Double == 240)
        #expect(anonymousSession?["client"] is NSNull, "\(anonymous.body)")
        #expect(!anonymous.body.contains("A7"))
        let own = try DaemonHTTP.request(port: port, "GET", "/api/status", host: "localhost:\(port)", headers: ["Origin": "http://localhost:\(port)"])
        #expect((DaemonTests.object(own.body)["session"] as? [String: Any])?["client"] as? String == "A7", "\(own.body)")
        let samePage = try DaemonHTTP.request(port: port, "GET", "/api/status", headers: ["Sec-Fetch-Site": "same-origin"])
        #expect((DaemonTests.object(samePage.body)["session"] as? [String: Any])?["client"] as? String == "A7")
        let events = try DaemonHTTP.request(port: port, "GET", "/api/events")
        #expect(events.status == 403)
        let crossSite = try DaemonHTTP.request(port: port, "GET", "/api/events", headers: ["Sec-Fetch-Site": "cross-site"])
        #expect(crossSite.status == 403)

        // No CORS: neither a preflight nor a plain answer carries Access-Control-* headers.
        for request in [
            "OPTIONS /api/start HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n",
            "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: \(kiosk)\r\nConnection: close\r\n\r\n",
        ] {
            let answer = RawHTTP.exchange(port: port, request)
            #expect(answer != nil && !answer!.head.lowercased().contains("access-control-"), "\(String(describing: answer))")
        }

        let stopForged = try DaemonHTTP.request(port: port, "POST", "/api/stop", headers: ["Origin": "http://evil.example"])
        #expect(stopForged.status == 403)
        #expect(try daemon.status(until: { _ in true }, seconds: 1)["state"] as? String == "running")
        let stop = try DaemonHTTP.request(
            port: port, "POST", "/api/stop", headers: ["Origin": kiosk, "Content-Type": "application/json"], body: "{}")
        #expect(stop.status == 202, "\(stop)")
        #expect(daemon.terminate() == 0)
    }

    /// Before: 10,000 wrong codes in 2.1 s with no delay. Now the fourth wrong code from one
    /// origin waits (429, Retry-After), each is a warning, and the kiosk's right code still works.
    @Test(.timeLimit(.minutes(2)))
    func wrongTherapistCodesAreSlowedDownAndLoggedAndTheRightCodeStillWorks() throws {
        let folder = try DaemonTests.scratch("code")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = DaemonHTTP.freePort()
        let daemon = try Self.kioskDaemon(folder, port: port, therapistCode: "4711-0815-99")
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        let statuses = try (0..<6).map { n in
            try DaemonHTTP.request(port: port, "GET", "/api/sessions", headers: ["X-Lull-Therapist-Code": "guess-\(n)-0000"]).status
        }
        #expect(statuses == [401, 401, 401, 429, 429, 429], "\(statuses)")
        let waiting = RawHTTP.exchange(
            port: port,
            "GET /api/sessions HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-Lull-Therapist-Code: 4711-0815-99\r\nConnection: close\r\n\r\n")
        #expect(waiting?.status == 429, "even the right code waits its turn from a source that guessed")
        #expect(waiting?.head.lowercased().contains("retry-after: 1") == true, "\(String(describing: waiting?.head))")
        let kiosk = try DaemonHTTP.request(
            port: port, "GET", "/api/sessions", headers: ["X-Lull-Therapist-Code": "4711-0815-99", "Origin": "http://127.0.0.1:\(port)"])
        #expect(kiosk.status == 200, "\(kiosk)")
        #expect(daemon.terminate() == 0)
        let warnings = daemon.stderr.split(separator: "\n").filter { $0.contains("wrong therapist code") }
        #expect(warnings.count == 3, "\(daemon.stderr)")
        #expect(warnings.allSatisfy { $0.hasPrefix("<4>") || $0.lowercased().contains("warning") }, "\(warnings)")
        #expect(!daemon.stderr.contains("4711-0815-99"), "the code is never logged")
    }

    @Test func aWeakTherapistCodeStopsTheDaemonWithExit78() throws {
        let folder = try DaemonTests.scratch("weak")
        defer { try? FileManager.default.removeItem(at: folder) }
        for code in ["123456", "      "] {
            let daemon = try Self.kioskDaemon(folder, port: DaemonHTTP.freePort(), therapistCode: code)
            daemon.process.waitUntilExit()
            #expect(daemon.process.terminationStatus == 78)
            let lines = daemon.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("kiosk.therapist_code") && lines[0].contains("10 to 256"), "\(lines)")
        }
    }

    /// Before: 500 with `NIOTooManyBytesError`, duplicate keys accepted, and a port in use was
    /// exit 1 with `bind(descriptor:ptr:bytes:)`.
    @Test(.timeLimit(.minutes(2)))
    func oversizedBodiesDuplicateKeysAndAPortInUseSayWhatIsWrong() throws {
        let folder = try DaemonTests.scratch("errors")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = DaemonHTTP.freePort()
        let daemon = try Self.kioskDaemon(folder, port: port)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        let big = "{\"client\": \"" + String(repeating: "x", count: 20_000) + "\"}"
        let tooLarge = try DaemonHTTP.request(socket: daemon.socketPath, "POST", "/api/start", body: big)
        #expect(tooLarge.status == 413, "\(tooLarge)")
        #expect(DaemonTests.object(tooLarge.body)["error"] as? String == "body: larger than 16384 bytes")
        let twice = try DaemonHTTP.request(
            socket: daemon.socketPath, "POST", "/api/start", body: #"{"client": "A7", "client": "B8"}"#)
        #expect(twice.status == 400)
        #expect(DaemonTests.object(twice.body)["error"] as? String == "body: duplicate key client")
        // 2,000 marks: 12,000 bytes escaped, under the 16 KiB body limit, so the name rule answers.
        for bad in ["e" + String(repeating: "\u{301}", count: 2_000), "evil\u{202E}gpj", "a\u{1B}[31m", "   "] {
            var w = ""
            for scalar in bad.unicodeScalars { w += String(format: "\\u%04x", scalar.value) }
            let refused = try DaemonHTTP.request(socket: daemon.socketPath, "POST", "/api/start", body: "{\"client\": \"\(w)\"}")
            #expect(refused.status == 400, "\(refused)")
            #expect((DaemonTests.object(refused.body)["error"] as? String ?? "").hasPrefix("client: must be 1 to 64"))
        }
        #expect(try daemon.status(until: { _ in true }, seconds: 1)["state"] as? String == "idle")

        // A second daemon on another socket but the same port: one line, exit 78.
        let other = try DaemonTests.scratch("errors2")
        defer { try? FileManager.default.removeItem(at: other) }
        let second = try Self.kioskDaemon(other, port: port)
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 78)
        let lines = second.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("key control.port: \(port)"), "\(second.stderr)")
        #expect(!second.stderr.contains("bind(descriptor"))
        #expect(daemon.terminate() == 0)
    }

    /// Before: newlines, empty names, 100 KB names and escape sequences were stored from the CLI,
    /// and `lull sessions` printed the escapes raw into the therapist's terminal.
    @Test func theCLIRefusesBadClientNamesAndSessionsEscapesStoredOnes() throws {
        let folder = try DaemonTests.scratch("names")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("j.sqlite").path
        for name in ["", "  ", "a\nb", "\u{1B}[2Jowned", String(repeating: "n", count: 100_000), "x\u{202E}y"] {
            for arguments in [
                ["session", "--fast", "--minutes", "1", "--db", db, "--audio", "none", "--client", name],
                ["start", "--client", name, "--socket", folder.appendingPathComponent("none.sock").path],
            ] {
                let run = try LullProcess.run(arguments)
                #expect(run.status == 64, "\(arguments[0]) \(name.prefix(20).debugDescription): \(run.stderr.prefix(300))")
                #expect(run.stderr.contains("--client: must be 1 to 64 characters"), "\(run.stderr.prefix(300))")
                #expect(!run.stderr.contains("\u{1B}"))
            }
        }
        let storedBefore = FileManager.default.fileExists(atPath: db) ? try SessionDatabase(path: db).sessions().count : 0
        #expect(storedBefore == 0)

        // A name stored before the rule existed.
        let database = try SessionDatabase(path: db)
        let recorder = SessionRecorder(database: database) { _ in }
        _ = try recorder.start(client: "\u{1B}[2J\u{1B}[31mowned\nline", source: "simulate", strap: nil, settings: "{}")
        recorder.finish(outcome: .interrupted, summaryJSON: nil)
        let listed = try LullProcess.run(["sessions", "--db", db])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(!listed.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(listed.stdout.debugDescription)")
        #expect(listed.stdout.contains("\\u{1B}[2J\\u{1B}[31mowned\\u{A}line"), "\(listed.stdout)")
        #expect(listed.stdout.split(separator: "\n").count == 1)
    }

    /// Before: with no RUNTIME_DIRECTORY or XDG_RUNTIME_DIR, daemon and clients took any existing
    /// /tmp/lull-$UID, so another user could put a fake daemon's socket in it.
    @Test(.enabled(if: geteuid() == 0, "needs root to give the folder to another user"), .timeLimit(.minutes(2)))
    func aSquattedFallbackFolderIsRefusedByDaemonAndClients() throws {
        let fallback = "/tmp/lull-\(getuid())"
        guard !FileManager.default.fileExists(atPath: fallback) else {
            Issue.record("\(fallback) exists already; this test needs it absent")
            return
        }
        defer { try? FileManager.default.removeItem(atPath: fallback) }
        let folder = try DaemonTests.scratch("fallback")
        defer { try? FileManager.default.removeItem(at: folder) }
        let noRuntime = ["XDG_RUNTIME_DIR": "", "RUNTIME_DIRECTORY": "", "LULL_CONTROL_SOCKET_PATH": ""]
        let configuration = "strap:\n  address: simulate\naudio:\n  device: none\ncontrol:\n  port: null\n"

        for (owner, mode) in [(getuid(), 0o755 as mode_t), (65_534, 0o700 as mode_t)] {
            try? FileManager.default.removeItem(atPath: fallback)
            #expect(mkdir(fallback, mode) == 0)
            chmod(fallback, mode)
            chown(fallback, owner, gid_t(owner == 0 ? 0 : 65_534))
            let expected = "\(fallback): a folder owned by uid \(owner) with mode \(String(mode, radix: 8))"
            let status = try LullProcess.run(["status"], environment: noRuntime)
            #expect(status.status != 0 && status.stderr.contains(expected), "\(status.stderr)")
            #expect(status.stderr.split(separator: "\n").count == 1)
            let daemon = try DaemonProcess(folder: folder, configuration: configuration, environment: noRuntime)
            daemon.process.waitUntilExit()
            #expect(daemon.process.terminationStatus != 0)
            #expect(daemon.stderr.contains(expected) && daemon.stderr.split(separator: "\n").count == 1, "\(daemon.stderr)")
        }

        // Absent, the daemon makes it 0700 and its own.
        try FileManager.default.removeItem(atPath: fallback)
        let daemon = try DaemonProcess(folder: folder, configuration: configuration, environment: noRuntime)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        var info = stat()
        #expect(lstat(fallback, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o700 && info.st_uid == getuid())
        let status = try LullProcess.run(["status"], environment: noRuntime)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(daemon.terminate() == 0)
    }
}

/// Raw sockets for the tests above: nonblocking connects by the thousand, reads with a timeout.
enum RawHTTP {
    static func raiseFileLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    static func connect(port: Int, blocking: Bool) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | (blocking ? 0 : Int32(SOCK_NONBLOCK.rawValue)), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 || errno == EINPROGRESS { return fd }
        close(fd)
        return nil
    }

    static func connect(unix path: String, blocking: Bool) -> Int32? {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | (blocking ? 0 : Int32(SOCK_NONBLOCK.rawValue)), 0)
        guard fd >= 0 else { return nil }
        if withUnixAddress(path, { Glibc.connect(fd, $0, $1) }) == 0 { return fd }
        close(fd)
        return nil
    }

    static func send(_ fd: Int32, _ text: String) {
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// One request and its whole answer (until the server closes), or nil after 5 s.
    static func exchange(fd: Int32, _ request: String) -> (status: Int, head: String, body: String)? {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        send(fd, request)
        var reply = Data()
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 { return nil }
            if n == 0 { break }
            reply.append(contentsOf: buffer[0..<n])
        }
        let text = String(decoding: reply, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = String(text[..<split.lowerBound])
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, head, String(text[split.upperBound...]))
    }

    static func exchange(unix path: String, _ request: String) -> (status: Int, head: String, body: String)? {
        connect(unix: path, blocking: true).flatMap { exchange(fd: $0, request) }
    }

    static func exchange(port: Int, _ request: String) -> (status: Int, head: String, body: String)? {
        connect(port: port, blocking: true).flatMap { exchange(fd: $0, request) }
    }

    /// When the server closed `fd` (end of stream or reset), or nil if not by `deadline`.
    static func waitForClose(_ fd: Int32, until deadline: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) == 1 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return .now }
        }
        return nil
    }
}
