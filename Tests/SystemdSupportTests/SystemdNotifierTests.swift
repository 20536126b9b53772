// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import SystemdSupport

/// A datagram socket bound by the test, standing in for systemd's notification socket.
final class NotifySocket {
    let descriptor: Int32
    /// What goes into NOTIFY_SOCKET: a path, or "@name" for the abstract namespace.
    let name: String
    private let path: String?

    init(abstract: Bool) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
        let unique = UUID().uuidString.prefix(8)
        if abstract {
            name = "@lull-test-notify-\(unique)"
            path = nil
        } else {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("lull-notify-\(unique).sock").path
            name = path!
        }
        var (address, length) = SystemdNotifier.address(name)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(.init(rawValue: errno)!) }
    }

    deinit {
        close(descriptor)
        if let path { unlink(path) }
    }

    /// The next datagram, without waiting: `sendto` on a Unix datagram socket has queued it by the
    /// time it returns, so an empty queue means nothing was sent.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}

@Suite(.timeLimit(.minutes(1))) struct SystemdNotifierTests {
    @Test(arguments: [false, true])
    func messagesArriveAsOneDatagramEach(abstract: Bool) throws {
        let socket = try NotifySocket(abstract: abstract)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]))

        #expect(notifier.ready())
        #expect(socket.receive() == "READY=1")
        #expect(notifier.status("session 7 min left"))
        #expect(socket.receive() == "STATUS=session 7 min left")
        #expect(notifier.watchdog())
        #expect(socket.receive() == "WATCHDOG=1")
        #expect(notifier.stopping())
        #expect(socket.receive() == "STOPPING=1")
        #expect(notifier.ready(status: "idle"))
        #expect(socket.receive() == "READY=1\nSTATUS=idle")
        #expect(socket.receive() == nil)
    }

    @Test func aStatusIsAlwaysOneLine() throws {
        let socket = try NotifySocket(abstract: false)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]))
        notifier.status("session: strap lost,\nmusic continues")
        #expect(socket.receive() == "STATUS=session: strap lost, music continues")
    }

    @Test(arguments: [nil, "", "relative/notify.sock", "@", "vsock:2:1234"])
    func noNotifierWithoutAUnixSocketAddress(_ value: String?) {
        var environment = ["WATCHDOG_USEC": "30000000"]
        environment["NOTIFY_SOCKET"] = value
        #expect(SystemdNotifier(environment: environment) == nil)
    }

    @Test func sendingToASocketNobodyHoldsFailsWithTheReason() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lull-nobody-\(UUID()).sock").path
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": path]))
        #expect(!notifier.ready())
        #expect(throws: SystemdNotifyError(operation: "sendto \(path)", code: ENOENT)) { try notifier.send(["READY=1"]) }
    }

    @Test func watchdogIntervalComesFromWatchdogUsecForThisProcessOnly() throws {
        let base = ["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000"]
        let notifier = try #require(SystemdNotifier(environment: base, processID: 4242))
        #expect(notifier.watchdogInterval == .seconds(30))
        #expect(notifier.watchdogPingInterval == .seconds(15))
        let mine = try #require(SystemdNotifier(environment: base.merging(["WATCHDOG_PID": "4242"]) { $1 }, processID: 4242))
        #expect(mine.watchdogInterval == .seconds(30))
        let theirs = try #require(SystemdNotifier(environment: base.merging(["WATCHDOG_PID": "1"]) { $1 }, processID: 4242))
        #expect(theirs.watchdogInterval == nil)
        for bad in ["0", "-5", "thirty", ""] {
            let notifier = try #require(SystemdNotifier(environment: base.merging(["WATCHDOG_USEC": bad]) { $1 }))
            #expect(notifier.watchdogInterval == nil, "WATCHDOG_USEC=\(bad)")
        }
        #expect(try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/x"])).watchdogInterval == nil)
    }

    @Test func theProcessEnvironmentOfATestRunHasNoNotifier() {
        // The test runner is not a notify service; were it one, this would say so.
        #expect((SystemdNotifier.fromProcessEnvironment() == nil) == (getenv("NOTIFY_SOCKET") == nil))
    }
}
