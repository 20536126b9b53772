// SPDX-License-Identifier: Apache-2.0

/// An attribute type: a 16-bit assigned number or a full 128-bit UUID.
///
/// ATT carries either form (Core v5.3 Vol 3 Part F §3.2.1); a 16-bit value stands for
/// `0000xxxx-0000-1000-8000-00805F9B34FB` (Core v5.3 Vol 3 Part B §2.5.1). 128-bit values are kept
/// in over-the-air (little-endian) order.
public enum BluetoothUUID: Hashable, Sendable {
    case bits16(UInt16)
    case bits128([UInt8])

    /// Base UUID in over-the-air order, with the 16-bit slot at octets 12 and 13.
    private static let base: [UInt8] = [
        0xFB, 0x34, 0x9B, 0x5F, 0x80, 0x00, 0x00, 0x80, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]

    /// Decodes a 2- or 16-octet UUID field; nil for any other length.
    public init?(littleEndian bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        switch array.count {
        case 2: self = .bits16(UInt16(array[0]) | UInt16(array[1]) << 8)
        case 16:
            // A 128-bit UUID built on the base UUID is the same attribute type as its short form.
            if Array(array[0..<12]) == Array(Self.base[0..<12]) && array[14] == 0 && array[15] == 0 {
                self = .bits16(UInt16(array[12]) | UInt16(array[13]) << 8)
            } else {
                self = .bits128(array)
            }
        default: return nil
        }
    }

    /// The full 128-bit form in little-endian order, as the management interface takes UUIDs
    /// (a 16-bit value in its slot of the base UUID, Core v5.3 Vol 3 Part B §2.5.1).
    public var littleEndian128Bytes: [UInt8] {
        switch self {
        case .bits16(let value):
            var bytes = Self.base
            bytes[12] = UInt8(truncatingIfNeeded: value)
            bytes[13] = UInt8(truncatingIfNeeded: value >> 8)
            return bytes
        case .bits128(let bytes): return bytes
        }
    }

    /// The over-the-air bytes (2 or 16).
    public var littleEndianBytes: [UInt8] {
        switch self {
        case .bits16(let value): [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
        case .bits128(let bytes): bytes
        }
    }

    // Assigned numbers (Bluetooth SIG Assigned Numbers §3.4 and §3.8).
    public static let primaryService = BluetoothUUID.bits16(0x2800)
    public static let characteristicDeclaration = BluetoothUUID.bits16(0x2803)
    public static let clientCharacteristicConfiguration = BluetoothUUID.bits16(0x2902)
    public static let genericAccessService = BluetoothUUID.bits16(0x1800)
    public static let deviceName = BluetoothUUID.bits16(0x2A00)
    public static let heartRateService = BluetoothUUID.bits16(0x180D)
    public static let heartRateMeasurement = BluetoothUUID.bits16(0x2A37)
    public static let bodySensorLocation = BluetoothUUID.bits16(0x2A38)
    public static let batteryService = BluetoothUUID.bits16(0x180F)
    public static let batteryLevel = BluetoothUUID.bits16(0x2A19)
    public static let deviceInformationService = BluetoothUUID.bits16(0x180A)
    public static let serialNumberString = BluetoothUUID.bits16(0x2A25)
}
