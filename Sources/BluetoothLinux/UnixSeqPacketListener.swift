// SPDX-License-Identifier: Apache-2.0
import CBlueZ
import Glibc

/// A listening Unix SEQPACKET socket: the emulator's stand-in for a strap that accepts a connection.
public final class UnixSeqPacketListener: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32

    /// Binds and listens at `path`, replacing a stale socket file left by an earlier run.
    public init(path: String) throws(BluetoothLinuxError) {
        self.path = path
        let fd = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .fromErrno("socket(AF_UNIX)") }
        descriptor = fd
        var address = try UnixAddress(path: path)
        unlink(path)
        let bound = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, address.length) }
        }
        guard bound == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .fromErrno("bind(unix:\(path))", code)
        }
        // A backlog of 1: a strap takes one central at a time.
        guard listen(fd, 1) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .fromErrno("listen(unix:\(path))", code)
        }
    }

    deinit { close() }

    /// Waits for a connection; nil when `wake` fired first or `timeoutMilliseconds` passed.
    public func accept(timeoutMilliseconds: Int32 = -1, wake: WakeSignal? = nil) throws(BluetoothLinuxError) -> SeqPacketSocket? {
        switch try Poll.wait(for: descriptor, events: Int16(POLLIN), timeoutMilliseconds: timeoutMilliseconds, wake: wake) {
        case .ready:
            while true {
                let fd = Glibc.accept(descriptor, nil, nil)
                if fd >= 0 {
                    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                    return SeqPacketSocket(adopting: fd)
                }
                if errno == EINTR { continue }
                throw .fromErrno("accept")
            }
        case .timedOut, .woken: return nil
        }
    }

    /// Stops listening and removes the socket file, so connects fail at once (ENOENT) like a
    /// strap that stopped advertising.
    public func close() {
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
            unlink(path)
        }
    }
}
