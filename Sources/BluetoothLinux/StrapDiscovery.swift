// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
import CBlueZ
import Glibc

/// Finds heart-rate straps: through the kernel's management interface, with a raw HCI scan as
/// the fallback.
///
/// The management interface (HCI_CHANNEL_CONTROL, the socket bluetoothd itself drives) asks the
/// kernel for a Start Service Discovery on 0x180D. The kernel then runs the scan the controller
/// supports (extended scanning on Bluetooth 5, so extended advertising is seen), merges each
/// advertisement with its scan response, and coordinates with bluetoothd's own scanning, where raw
/// HCI scan commands are refused ("Command Disallowed") or steal the radio. It needs no D-Bus
/// library and works with or without bluetoothd. When another discovery is already running
/// (Busy), its Device Found events are read instead. It needs CAP_NET_ADMIN, as the raw scan
/// needs CAP_NET_RAW.
public enum StrapDiscovery {
    /// Scans `adapter` for up to `seconds` and returns the heart-rate straps seen, strongest first.
    /// `enough` ends the scan early once the straps seen so far satisfy it; `wake` aborts it.
    public static func scan(
        adapter: String, seconds: Double, wake: WakeSignal? = nil, enough: ([DiscoveredStrap]) -> Bool = { _ in false }
    ) throws(BluetoothLinuxError) -> [DiscoveredStrap] {
        _ = try Adapter.upDeviceID(adapter)
        let index = try Adapter.index(named: adapter)
        let socket: ManagementSocket
        do {
            socket = try ManagementSocket()
        } catch {
            // A kernel without the management channel (before 3.4): the raw scan is all there is.
            return try HCIScanner.scan(adapter: adapter, seconds: seconds)
        }
        defer { socket.close() }
        switch try socket.discover(index: index, adapter: adapter, seconds: seconds, wake: wake, enough: enough) {
        case .found(let straps): return straps
        case .unsupported: return try HCIScanner.scan(adapter: adapter, seconds: seconds)
        }
    }
}

/// A management socket bound to HCI_CHANNEL_CONTROL.
final class ManagementSocket {
    private let descriptor: Int32
    private var closed = false

    enum Outcome {
        case found([DiscoveredStrap])
        /// The kernel refused service discovery for a reason the raw scan may not share.
        case unsupported
    }

    init() throws(BluetoothLinuxError) {
        let fd = socket(AF_BLUETOOTH, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), BTPROTO_HCI)
        guard fd >= 0 else { throw .fromErrno("socket(AF_BLUETOOTH, HCI)") }
        var address = sockaddr_hci()
        address.hci_family = sa_family_t(AF_BLUETOOTH)
        address.hci_dev = UInt16(HCI_DEV_NONE)
        address.hci_channel = UInt16(HCI_CHANNEL_CONTROL)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_hci>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .fromErrno("bind(HCI_CHANNEL_CONTROL)", code)
        }
        descriptor = fd
    }

    func close() {
        if !closed {
            Glibc.close(descriptor)
            closed = true
        }
    }

    private func send(_ command: ManagementCommand, index: UInt16) throws(BluetoothLinuxError) {
        let bytes = command.encoded(controllerIndex: index)
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw .fromErrno("send(management)") }
    }

    /// The next packet, or nil when the deadline passed or `wake` fired.
    private func receive(until deadline: Double, wake: WakeSignal?) throws(BluetoothLinuxError) -> ManagementPacket? {
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let remaining = deadline - MonotonicClock.seconds()
            guard remaining > 0 else { return nil }
            switch try Poll.wait(
                for: descriptor, events: Int16(POLLIN), timeoutMilliseconds: Int32((remaining * 1000).rounded(.up)), wake: wake)
            {
            case .timedOut, .woken: return nil
            case .ready: break
            }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .fromErrno("recv(management)")
            }
            // A packet this code does not know is skipped, never fatal.
            if let packet = try? ManagementPacket(decoding: Array(buffer.prefix(count))) { return packet }
        }
    }

    func discover(
        index: UInt16, adapter: String, seconds: Double, wake: WakeSignal?, enough: ([DiscoveredStrap]) -> Bool
    ) throws(BluetoothLinuxError) -> Outcome {
        let deadline = MonotonicClock.seconds() + seconds
        let start = ManagementCommand.startServiceDiscovery(addressTypes: .le, rssiThreshold: 127, uuids: [.heartRateService])
        var sightings = StrapSightings()
        var owned = false
        var awaitingReply = true
        try send(start, index: index)
        defer { if owned { try? send(.stopDiscovery(addressTypes: .le), index: index) } }
        while let packet = try receive(until: deadline, wake: wake) {
            guard packet.controllerIndex == index else { continue }
            switch packet.event {
            case .commandComplete(let command, let status, _) where command == start.code && awaitingReply,
                .commandStatus(let command, let status) where command == start.code && awaitingReply:
                awaitingReply = false
                switch status {
                case .success: owned = true
                // Someone else's discovery runs: its Device Found events come here too.
                case .busy: owned = false
                case .notPowered, .rfkilled: throw .adapterDown(adapter)
                case .invalidIndex: throw .adapterNotFound(adapter)
                case .permissionDenied: throw .permissionDenied("discovery on \(adapter) (the management interface needs CAP_NET_ADMIN)")
                default: return .unsupported
                }
            case .deviceFound(let device):
                let kind: BluetoothAddress.Kind = device.addressType == 1 ? .public : .random
                guard device.addressType != 0 else { continue }
                sightings.add(address: BluetoothAddress(octets: device.addressOctets, kind: kind), data: device.data, rssiDBm: device.rssiDBm)
                if enough(sightings.straps) { return .found(sightings.straps) }
            case .discovering(_, let active) where !active && !awaitingReply:
                // The kernel ends LE discovery after about 10 s (DISCOV_LE_TIMEOUT), and another
                // client's discovery may end; start ours (again) for the rest of the window.
                owned = false
                awaitingReply = true
                try send(start, index: index)
            case .indexRemoved:
                throw .adapterNotFound(adapter)
            default:
                continue
            }
        }
        return .found(sightings.straps)
    }
}
