// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Errors from the Linux Bluetooth and socket layer, each with a one-line message a user can act on.
public enum BluetoothLinuxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kernel has no AF_BLUETOOTH (EAFNOSUPPORT): no bluetooth module, or a container without it.
    case bluetoothUnavailable
    /// No adapter of that name (`hciconfig` would not list it); retried, since adapters come and go.
    case adapterNotFound(String)
    /// The adapter exists but is not powered up (HCI_UP clear).
    case adapterDown(String)
    /// Raw HCI access needs CAP_NET_RAW.
    case permissionDenied(String)
    /// A strap address that is not six colon-separated hex octets.
    case invalidAddress(String)
    /// Nobody listening at a Unix socket path (ENOENT or ECONNREFUSED).
    case peerUnavailable(String)
    /// No connection within the connect timeout.
    case connectTimedOut(String)
    /// The peer closed the link.
    case linkClosed
    /// Any other failing system call, with errno as read right after it.
    case system(call: String, errno: Int32)

    /// True for errors that reconnecting cannot fix: the supervisor stops on these.
    public var isPermanent: Bool {
        switch self {
        // A missing adapter is waited for: USB resets, rfkill and bluetoothd restarts remove and
        // re-add it on real kiosks, and a dongle may be plugged in after the daemon starts.
        case .bluetoothUnavailable, .permissionDenied, .invalidAddress: true
        case .adapterNotFound, .adapterDown, .peerUnavailable, .connectTimedOut, .linkClosed, .system: false
        }
    }

    public var description: String {
        switch self {
        case .bluetoothUnavailable: "Bluetooth is not available on this machine (address family not supported)"
        case .adapterNotFound(let name): "adapter \(name) not found"
        case .adapterDown(let name): "adapter \(name) is down (try: bluetoothctl power on)"
        case .permissionDenied(let what): "\(what): permission denied (scanning needs CAP_NET_RAW)"
        case .invalidAddress(let text): "invalid strap address '\(text)': expected AA:BB:CC:DD:EE:FF, auto or unix:PATH"
        case .peerUnavailable(let what): "nothing is listening at \(what)"
        case .connectTimedOut(let what): "no connection to \(what) within the timeout"
        case .linkClosed: "the link was closed by the peer"
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }

    /// Maps errno after a failed call, read immediately after it (NIO `System.swift` style).
    static func fromErrno(_ call: String, _ code: Int32 = errno) -> BluetoothLinuxError {
        code == EAFNOSUPPORT ? .bluetoothUnavailable : .system(call: call, errno: code)
    }
}
