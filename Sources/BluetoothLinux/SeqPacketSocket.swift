// SPDX-License-Identifier: Apache-2.0
import CBlueZ
import Glibc

/// A connected SOCK_SEQPACKET socket: one `send` is one message, one `receive` is one message.
///
/// A connected L2CAP socket on the ATT channel (CID 4) is SEQPACKET and delivers exactly one ATT
/// PDU per read, and so does an AF_UNIX SEQPACKET socket; the GATT driver runs on either unchanged.
/// Owned by one thread at a time; `close()` is idempotent.
public final class SeqPacketSocket: @unchecked Sendable {
    /// The file descriptor, -1 once closed.
    public private(set) var descriptor: Int32
    /// The errno that ended the link when `receive()` returned nil for one (ECONNRESET, ETIMEDOUT,
    /// ...); 0 after a clean close.
    public private(set) var closeErrno: Int32 = 0

    public init(adopting descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close() }

    /// A connected pair, as `socketpair(AF_UNIX, SOCK_SEQPACKET)` makes it: tests put the driver on
    /// one end and the emulator on the other.
    public static func pair() throws(BluetoothLinuxError) -> (SeqPacketSocket, SeqPacketSocket) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw .fromErrno("socketpair")
        }
        return (SeqPacketSocket(adopting: fds[0]), SeqPacketSocket(adopting: fds[1]))
    }

    /// Sends one message (one ATT PDU). MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE.
    public func send(_ bytes: [UInt8]) throws(BluetoothLinuxError) {
        while true {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent >= 0 { return }
            let code = errno
            if code == EINTR { continue }
            if code == EPIPE || code == ECONNRESET || code == ENOTCONN { throw .linkClosed }
            throw .fromErrno("send", code)
        }
    }

    /// Receives one message; nil when the peer has closed the link (a zero-length read).
    ///
    /// ATT PDUs are never empty (they start with an opcode), so zero bytes can only mean EOF.
    public func receive(maximumLength: Int = 1024) throws(BluetoothLinuxError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maximumLength)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(buffer.prefix(count)) }
            if count == 0 { return nil }
            let code = errno
            if code == EINTR { continue }
            if code == ECONNRESET || code == ENOTCONN || code == ETIMEDOUT || code == EHOSTDOWN || code == ECONNABORTED {
                closeErrno = code
                return nil
            }
            throw .fromErrno("recv", code)
        }
    }

    public func close() {
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }

    /// Connects to a peripheral listening on a Unix SEQPACKET socket at `path` (`--strap unix:PATH`).
    public static func connectUnix(path: String) throws(BluetoothLinuxError) -> SeqPacketSocket {
        let fd = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .fromErrno("socket(AF_UNIX)") }
        let socket = SeqPacketSocket(adopting: fd)
        var address = try UnixAddress(path: path)
        let result = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        if result != 0 {
            let code = errno
            if code == ENOENT || code == ECONNREFUSED { throw .peerUnavailable("unix:\(path)") }
            throw .fromErrno("connect(unix:\(path))", code)
        }
        return socket
    }
}

/// A `sockaddr_un` for a filesystem path.
struct UnixAddress {
    var storage = sockaddr_un()
    var length: socklen_t

    init(path: String) throws(BluetoothLinuxError) {
        storage.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw .system(call: "unix socket path '\(path)' (must be 1 to \(capacity - 1) bytes)", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
    }
}
