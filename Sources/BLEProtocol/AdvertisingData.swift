// SPDX-License-Identifier: Apache-2.0

/// The parts of an LE advertising payload a strap scan needs.
///
/// The payload is a sequence of AD structures: length (1 octet, covering type and data), AD type,
/// data (Core v5.3 Vol 3 Part C §11; types from Assigned Numbers §2.3). A zero length ends the
/// significant part early.
public struct AdvertisingData: Equatable, Sendable {
    /// 16-bit service UUIDs from the Incomplete (0x02) and Complete (0x03) lists.
    public var serviceUUIDs16: [UInt16] = []
    /// The Complete (0x09) or, failing that, Shortened (0x08) Local Name.
    public var localName: String?

    public init(serviceUUIDs16: [UInt16] = [], localName: String? = nil) {
        self.serviceUUIDs16 = serviceUUIDs16
        self.localName = localName
    }

    /// Parses what it can; a structure that runs past the end is ignored, as BlueZ's eir.c does.
    public init(parsing bytes: [UInt8]) {
        var index = 0
        var shortName: String?
        while index < bytes.count {
            let length = Int(bytes[index])
            guard length > 0, index + 1 + length <= bytes.count else { break }
            let type = bytes[index + 1]
            let data = Array(bytes[(index + 2)..<(index + 1 + length)])
            switch type {
            case 0x02, 0x03:
                var reader = ByteReader(data)
                while let uuid = reader.uint16() { serviceUUIDs16.append(uuid) }
            case 0x08: shortName = String(decoding: data, as: UTF8.self)
            case 0x09: localName = String(decoding: data, as: UTF8.self)
            default: break
            }
            index += 1 + length
        }
        if localName == nil { localName = shortName }
    }

    /// True when the advertiser lists the Heart Rate service (0x180D).
    public var advertisesHeartRate: Bool { serviceUUIDs16.contains(0x180D) }
}
