// SPDX-License-Identifier: Apache-2.0
import CBlueZ
import Glibc

/// The kernel side of Bluetooth: adapter checks and the L2CAP LE connection on the ATT channel.
enum L2CAPConnection {
    /// The fixed L2CAP channel for ATT on LE (Core v5.3 Vol 3 Part A §2.1, Table 2.1).
    static let attChannelID: UInt16 = 0x0004

    /// Opens an L2CAP LE socket on the ATT fixed channel to `address` through `adapter`.
    ///
    /// The socket is created first, so a kernel without Bluetooth reports EAFNOSUPPORT before any
    /// adapter lookup. The connect is non-blocking and waited for with poll, so `wake` can abort it.
    static func connect(
        to address: BluetoothAddress, adapter: String, timeoutSeconds: Double, wake: WakeSignal?
    ) throws(BluetoothLinuxError) -> SeqPacketSocket {
        let fd = socket(
            AF_BLUETOOTH, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
            BTPROTO_L2CAP)
        guard fd >= 0 else { throw .fromErrno("socket(AF_BLUETOOTH, L2CAP)") }
        let socket = SeqPacketSocket(adopting: fd)
        let deviceID = try Adapter.upDeviceID(adapter)
        var local = sockaddr_l2()
        local.l2_family = sa_family_t(AF_BLUETOOTH)
        guard hci_devba(deviceID, &local.l2_bdaddr) == 0 else { throw .fromErrno("hci_devba(\(adapter))") }
        local.l2_cid = attChannelID.littleEndian
        local.l2_bdaddr_type = UInt8(BDADDR_LE_PUBLIC)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_l2>.size)) }
        }
        guard bound == 0 else { throw .fromErrno("bind(L2CAP, \(adapter))") }

        var remote = sockaddr_l2()
        remote.l2_family = sa_family_t(AF_BLUETOOTH)
        // bdaddr_t is little-endian: the printed first octet is stored last.
        let o = address.octets
        remote.l2_bdaddr = bdaddr_t(b: (o[5], o[4], o[3], o[2], o[1], o[0]))
        remote.l2_cid = attChannelID.littleEndian
        remote.l2_bdaddr_type = UInt8(address.kind == .public ? BDADDR_LE_PUBLIC : BDADDR_LE_RANDOM)
        let result = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_l2>.size)) }
        }
        if result != 0 {
            let code = errno
            guard code == EINPROGRESS || code == EAGAIN else { throw .fromErrno("connect(\(address))", code) }
            switch try Poll.wait(for: fd, events: Int16(POLLOUT), timeoutMilliseconds: Int32(timeoutSeconds * 1000), wake: wake) {
            case .timedOut: throw .connectTimedOut(address.description)
            case .woken: throw .linkClosed
            case .ready: break
            }
            var pending: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &length)
            if pending != 0 { throw .fromErrno("connect(\(address))", pending) }
        }
        // Back to blocking: reads are waited for with poll, sends are small.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~Int32(O_NONBLOCK))
        return socket
    }
}

/// Adapter lookups through libbluetooth.
enum Adapter {
    /// The device id of `name` (e.g. "hci0"), checking that the kernel has Bluetooth and the
    /// adapter is up.
    ///
    /// The lookup walks every device id with `hci_devinfo` instead of calling `hci_devid`, which
    /// only sees adapters that are up (it fails with ENETDOWN otherwise): a down adapter must read
    /// as `adapterDown`, which reconnecting waits out, not as a missing one.
    static func upDeviceID(_ name: String) throws(BluetoothLinuxError) -> Int32 {
        let probe = socket(AF_BLUETOOTH, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), BTPROTO_HCI)
        guard probe >= 0 else { throw .fromErrno("socket(AF_BLUETOOTH, HCI)") }
        Glibc.close(probe)
        guard let (deviceID, info) = device(named: name) else { throw .adapterNotFound(name) }
        // hci_test_bit(HCI_UP, &flags) from hci_lib.h, which Swift cannot import (static inline).
        guard info.flags & (1 << UInt32(HCI_UP)) != 0 else { throw .adapterDown(name) }
        return deviceID
    }

    /// The id and info of the adapter called `name` ("hci0") or with that address, up or not.
    static func device(named name: String) -> (Int32, hci_dev_info)? {
        for deviceID in 0..<Int32(HCI_MAX_DEV) {
            var info = hci_dev_info()
            guard hci_devinfo(deviceID, &info) == 0 else { continue }
            let infoName = withUnsafeBytes(of: info.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let b = info.bdaddr.b
            let address = [b.5, b.4, b.3, b.2, b.1, b.0]
                .map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined(separator: ":")
            if infoName == name || address == name.uppercased() { return (deviceID, info) }
        }
        return nil
    }

    /// The adapter's index for the management interface: the number in "hciN".
    static func index(named name: String) throws(BluetoothLinuxError) -> UInt16 {
        guard let (deviceID, _) = device(named: name) else { throw .adapterNotFound(name) }
        return UInt16(deviceID)
    }
}
