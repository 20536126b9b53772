// SPDX-License-Identifier: Apache-2.0
public import BLEProtocol

/// What a scan saw, merged by address.
///
/// An active scan reports an advertisement and its scan response separately, and a strap often
/// puts the Heart Rate UUID in one and its name in the other (bluetoothd's own advertising does,
/// Core v5.3 Vol 6 Part B §4.4.2.3 lets any split). A device counts as a strap once any of its
/// reports lists 0x180D, and keeps the name any report gave.
public struct StrapSightings: Sendable {
    private struct Sighting {
        var heartRate = false
        var name: String?
        var rssiDBm: Int8 = 127
    }

    private var sightings: [BluetoothAddress: Sighting] = [:]

    public init() {}

    /// Adds one report (advertisement, scan response, or the kernel's merge of both).
    public mutating func add(address: BluetoothAddress, data: AdvertisingData, rssiDBm: Int8) {
        var sighting = sightings[address] ?? Sighting()
        if data.advertisesHeartRate { sighting.heartRate = true }
        if let name = data.localName, !name.isEmpty { sighting.name = name }
        // 127 means "not available" (Core v5.3 Vol 4 Part E §7.7.65.2): any real reading beats it.
        if rssiDBm != 127 && (sighting.rssiDBm == 127 || rssiDBm > sighting.rssiDBm) { sighting.rssiDBm = rssiDBm }
        sightings[address] = sighting
    }

    /// The heart-rate straps seen, strongest signal first (ties by address, so the order is stable).
    public var straps: [DiscoveredStrap] {
        sightings.compactMap { address, sighting in
            sighting.heartRate ? DiscoveredStrap(address: address, name: sighting.name, rssiDBm: sighting.rssiDBm) : nil
        }
        .sorted { lhs, rhs in
            let left = lhs.rssiDBm == 127 ? Int8.min : lhs.rssiDBm
            let right = rhs.rssiDBm == 127 ? Int8.min : rhs.rssiDBm
            return left != right ? left > right : lhs.address.description < rhs.address.description
        }
    }
}
