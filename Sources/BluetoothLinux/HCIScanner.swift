// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
import CBlueZ
import Glibc

/// A heart-rate strap seen advertising.
public struct DiscoveredStrap: Hashable, Sendable {
    public var address: BluetoothAddress
    public var name: String?
    /// Received signal strength in dBm (127 = not available, Core v5.3 Vol 4 Part E §7.7.65.2).
    public var rssiDBm: Int8

    public init(address: BluetoothAddress, name: String?, rssiDBm: Int8) {
        self.address = address
        self.name = name
        self.rssiDBm = rssiDBm
    }
}

/// One LE advertising report: an advertisement or a scan response.
struct AdvertisingReport: Equatable {
    var address: BluetoothAddress
    var data: AdvertisingData
    var rssiDBm: Int8
}

/// An LE scan over a raw HCI socket for devices advertising the Heart Rate service (0x180D).
///
/// The fallback for kernels without the management interface's service discovery (see
/// `StrapDiscovery`): legacy scan commands see only legacy advertising PDUs, and a controller
/// that bluetoothd has set up for extended scanning refuses them. Needs CAP_NET_RAW (raw HCI
/// sockets are privileged); connecting to a known address does not.
public enum HCIScanner {
    /// Scans `adapter` for `seconds` and returns each heart-rate strap once, strongest signal kept.
    /// Blocks the calling thread for the scan window.
    public static func scan(adapter: String, seconds: Double) throws(BluetoothLinuxError) -> [DiscoveredStrap] {
        let deviceID = try Adapter.upDeviceID(adapter)
        let dd = hci_open_dev(deviceID)
        guard dd >= 0 else {
            if errno == EPERM || errno == EACCES { throw .permissionDenied("scanning on \(adapter)") }
            throw .fromErrno("hci_open_dev(\(adapter))")
        }
        defer { hci_close_dev(dd) }
        // Active scan, 10 ms interval and window, public own address, accept all
        // (HCI LE Set Scan Parameters, Core v5.3 Vol 4 Part E §7.8.10).
        guard hci_le_set_scan_parameters(dd, 0x01, 0x0010, 0x0010, 0x00, 0x00, 1000) >= 0 else {
            if errno == EPERM || errno == EACCES { throw .permissionDenied("scanning on \(adapter)") }
            throw .fromErrno("LE Set Scan Parameters on \(adapter)")
        }
        guard hci_le_set_scan_enable(dd, 0x01, 0x00, 1000) >= 0 else {
            throw .fromErrno("LE Set Scan Enable on \(adapter)")
        }
        defer { _ = hci_le_set_scan_enable(dd, 0x00, 0x00, 1000) }

        // Only LE Meta events (hci_filter_set_ptype/set_event are static inline, so set bits here).
        var filter = hci_filter()
        filter.type_mask = 1 << UInt32(HCI_EVENT_PKT)
        filter.event_mask.1 = 1 << UInt32(EVT_LE_META_EVENT - 32)
        guard setsockopt(dd, SOL_HCI, HCI_FILTER, &filter, socklen_t(MemoryLayout<hci_filter>.size)) == 0 else {
            throw .fromErrno("setsockopt(HCI_FILTER)")
        }
        var sightings = StrapSightings()
        let deadline = MonotonicClock.seconds() + seconds
        var buffer = [UInt8](repeating: 0, count: Int(HCI_MAX_EVENT_SIZE))
        while MonotonicClock.seconds() < deadline {
            let remaining = Int32((deadline - MonotonicClock.seconds()) * 1000)
            guard case .ready = try Poll.wait(for: dd, events: Int16(POLLIN), timeoutMilliseconds: max(1, remaining), wake: nil)
            else { break }
            let count = buffer.withUnsafeMutableBytes { read(dd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .fromErrno("read(HCI)")
            }
            for report in advertisingReports(Array(buffer.prefix(count))) {
                sightings.add(address: report.address, data: report.data, rssiDBm: report.rssiDBm)
            }
        }
        return sightings.straps
    }

    /// The reports in one HCI event packet, scan responses included: packet type 0x04, event 0x3E, length,
    /// subevent 0x02, report count, then per report: event type, address type, address (6, LSB
    /// first), data length, data, RSSI (Core v5.3 Vol 4 Part E §7.7.65.2).
    static func advertisingReports(_ packet: [UInt8]) -> [AdvertisingReport] {
        guard packet.count >= 5, packet[0] == 0x04, packet[1] == 0x3E, packet[3] == 0x02 else { return [] }
        var index = 5
        var reports: [AdvertisingReport] = []
        for _ in 0..<packet[4] {
            guard index + 9 <= packet.count else { break }
            let addressType = packet[index + 1]
            let octets = Array(packet[(index + 2)..<(index + 8)].reversed())
            let length = Int(packet[index + 8])
            guard index + 9 + length + 1 <= packet.count else { break }
            let data = AdvertisingData(parsing: Array(packet[(index + 9)..<(index + 9 + length)]))
            let rssi = Int8(bitPattern: packet[index + 9 + length])
            index += 10 + length
            reports.append(
                AdvertisingReport(
                    address: BluetoothAddress(octets: octets, kind: addressType == 0x00 ? .public : .random), data: data, rssiDBm: rssi))
        }
        return reports
    }
}
