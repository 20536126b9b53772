// SPDX-License-Identifier: Apache-2.0

/// A Bluetooth device address with its LE address type.
public struct BluetoothAddress: Hashable, Sendable, CustomStringConvertible {
    /// LE address types as the kernel's `sockaddr_l2.l2_bdaddr_type` wants them (BDADDR_LE_*).
    public enum Kind: String, Hashable, Sendable {
        case `public`
        case random
    }

    /// Most significant octet first, as printed.
    public var octets: [UInt8]
    public var kind: Kind

    public init(octets: [UInt8], kind: Kind) {
        self.octets = octets
        self.kind = kind
    }

    /// Parses `AA:BB:CC:DD:EE:FF`, optionally suffixed `/public` or `/random`.
    ///
    /// Without a suffix the type is inferred: a random static address has its two most significant
    /// bits set (Core v5.3 Vol 6 Part B §1.3.2.1), which is what most straps that do not use a
    /// public address advertise (Garmin, Wahoo); otherwise public (Polar). An L2CAP LE connect to the
    /// wrong type never completes, so the suffix is there for the exceptions.
    public init(parsing text: String) throws(BluetoothLinuxError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw .invalidAddress(text) }
        let fields = parts[0].split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 6 else { throw .invalidAddress(text) }
        var octets: [UInt8] = []
        for field in fields {
            guard field.count == 2, let octet = UInt8(field, radix: 16) else { throw .invalidAddress(text) }
            octets.append(octet)
        }
        self.octets = octets
        if parts.count == 2 {
            guard let kind = Kind(rawValue: String(parts[1]).lowercased()) else { throw .invalidAddress(text) }
            self.kind = kind
        } else {
            self.kind = octets[0] & 0xC0 == 0xC0 ? .random : .public
        }
    }

    public var description: String {
        octets.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined(separator: ":")
    }
}
