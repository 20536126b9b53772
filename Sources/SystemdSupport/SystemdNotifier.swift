// SPDX-License-Identifier: Apache-2.0
import Glibc

/// The service manager notification protocol, in Swift: one datagram of `KEY=VALUE` lines sent to
/// the AF_UNIX socket named by `$NOTIFY_SOCKET` (sd_notify(3); systemd's "File Descriptor Store"
/// and "Notify" protocol documentation, systemd.io/NOTIFY). libsystemd is not needed for it.
///
/// Exists only when `$NOTIFY_SOCKET` names a socket: `init(environment:)` returns nil when it is
/// unset (not started by systemd, or `Type=` is not notify), so `notifier?.ready()` is a no-op there.
/// Like sd_notify, each message opens, sends on and closes its own socket: nothing is held open, so
/// the notifier is a plain `Sendable` value and a failed send cannot poison the next one.
public struct SystemdNotifier: Sendable, Equatable {
    /// `$NOTIFY_SOCKET` as given: an absolute path, or "@name" for a socket in the abstract namespace.
    public let socketPath: String
    /// How long systemd waits for a `WATCHDOG=1` before it kills the service (`WatchdogSec=`), from
    /// `$WATCHDOG_USEC`; nil when the watchdog is off or meant for another process (`$WATCHDOG_PID`).
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`; nil when
    /// `NOTIFY_SOCKET` is unset, empty, or not an AF_UNIX address (systemd's "vsock:" addresses are
    /// for virtual machines, which a kiosk is not).
    /// - Parameter processID: compared with `$WATCHDOG_PID` as sd_watchdog_enabled(3) does (a child
    ///   that inherited the variables must not ping for its parent); nil is this process.
    public init?(environment: [String: String], processID: Int32? = nil) {
        guard let path = environment["NOTIFY_SOCKET"], path.hasPrefix("/") || path.hasPrefix("@"),
            path.utf8.count >= 2, path.utf8.count <= Self.maximumPathBytes
        else { return nil }
        socketPath = path
        watchdogInterval = Self.watchdogInterval(environment: environment, processID: processID ?? getpid())
    }

    /// `init(environment:)` on the process's own environment.
    public static func fromProcessEnvironment() -> SystemdNotifier? {
        var environment: [String: String] = [:]
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return SystemdNotifier(environment: environment)
    }

    /// sd_watchdog_enabled(3): `$WATCHDOG_USEC` is a positive decimal number of microseconds, and
    /// when `$WATCHDOG_PID` is set it must be this process.
    static func watchdogInterval(environment: [String: String], processID: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0,
            microseconds < UInt64(Int64.max)
        else { return nil }
        if let pidText = environment["WATCHDOG_PID"] {
            guard let pid = Int32(pidText), pid == processID else { return nil }
        }
        return .microseconds(Int64(microseconds))
    }

    /// How often to send `WATCHDOG=1`: half the interval, as sd_watchdog_enabled(3) recommends, so one
    /// late ping is not yet a kill.
    public var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    // MARK: - The messages

    /// `READY=1`: start-up is finished (with `Type=notify`, systemd holds `systemctl start` and the
    /// units ordered after Lull until this arrives). A `STATUS=` line may ride along.
    @discardableResult
    public func ready(status line: String? = nil) -> Bool {
        sendIgnoringErrors(["READY=1"] + (line.map { ["STATUS=" + Self.oneLine($0)] } ?? []))
    }

    /// `STATUS=…`: the one line `systemctl status lull` shows ("idle", "session 7 min left").
    @discardableResult
    public func status(_ line: String) -> Bool { sendIgnoringErrors(["STATUS=" + Self.oneLine(line)]) }

    /// `WATCHDOG=1`: the service is healthy; send it only when it is (the caller knows what healthy means).
    @discardableResult
    public func watchdog() -> Bool { sendIgnoringErrors(["WATCHDOG=1"]) }

    /// `STOPPING=1`: shutdown has begun, so `systemctl status` says "deactivating" and not "failed".
    @discardableResult
    public func stopping() -> Bool { sendIgnoringErrors(["STOPPING=1"]) }

    /// Sends `assignments` ("KEY=VALUE" each) as one datagram, newline-separated as sd_notify does.
    public func send(_ assignments: [String]) throws(SystemdNotifyError) {
        let message = assignments.joined(separator: "\n")
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SystemdNotifyError(operation: "socket", code: errno) }
        defer { close(descriptor) }
        var (address, length) = Self.address(socketPath)
        while true {
            let sent = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    message.withCString { sendto(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL), socketAddress, length) }
                }
            }
            if sent >= 0 { return }
            if errno == EINTR { continue }
            throw SystemdNotifyError(operation: "sendto \(socketPath)", code: errno)
        }
    }

    /// The notifications are advisory: a daemon never stops because systemd did not hear one.
    private func sendIgnoringErrors(_ assignments: [String]) -> Bool {
        do {
            try send(assignments)
            return true
        } catch {
            return false
        }
    }

    // MARK: - Addresses

    /// sizeof(sockaddr_un.sun_path) - 1: a path also needs its terminating NUL.
    static let maximumPathBytes = 107

    /// The socket address for `path`; "@name" is the abstract namespace (a leading NUL, and a
    /// length that covers exactly the name: no terminating NUL, as systemd's `sockaddr_un_set_path`).
    static func address(_ path: String) -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let isAbstract = bytes.first == UInt8(ascii: "@")
        withUnsafeMutableBytes(of: &address.sun_path) { sunPath in
            for (index, byte) in bytes.enumerated() { sunPath[index] = (index == 0 && isAbstract) ? 0 : byte }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        return (address, socklen_t(pathOffset + bytes.count + (isAbstract ? 0 : 1)))
    }

    /// STATUS= and the like are one line each: a newline would start a new assignment.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// A notification that could not be sent: the call and the kernel's reason.
public struct SystemdNotifyError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    public let code: Int32
    public var description: String { "\(operation): \(String(cString: strerror(code)))" }
}
