// SPDX-License-Identifier: Apache-2.0
import BLEProtocol

/// The emulated strap's attribute database and ATT request handling (the server side of
/// Core v5.3 Vol 3 Part F §3.4), pure: bytes in, bytes out.
///
/// Layout, as a Polar H10 presents it in spirit: GAP (0x0001-0x0003, Device Name), Heart Rate
/// (0x0004-0x0009: measurement value 0x0006 with its CCCD 0x0007, Body Sensor Location 0x0009),
/// Battery (0x000A-0x000D: Battery Level 0x000C, CCCD 0x000D).
public struct HeartRateGATTServer: Sendable {
    struct Attribute: Sendable {
        var handle: UInt16
        var type: BluetoothUUID
        var value: [UInt8]
        var readable = true
        /// For service declarations: the last handle of the group.
        var groupEnd: UInt16 = 0
    }

    /// Handle notifications are sent from.
    public static let measurementHandle: UInt16 = 0x0006
    static let measurementConfigurationHandle: UInt16 = 0x0007
    static let batteryConfigurationHandle: UInt16 = 0x000D

    private var attributes: [Attribute]
    /// The server's receive MTU offered in the exchange.
    public let serverMTU: UInt16
    /// ATT_MTU after the exchange (23 until then).
    public private(set) var mtu: UInt16 = 23
    /// True once the client wrote 0x0001 to the measurement's CCCD.
    public private(set) var notificationsEnabled = false

    public init(deviceName: String, batteryPercent: UInt8, serverMTU: UInt16 = 23) {
        self.serverMTU = max(23, serverMTU)
        let name = Array(deviceName.utf8)
        func declaration(_ properties: UInt8, _ valueHandle: UInt16, _ type: BluetoothUUID) -> [UInt8] {
            [properties, UInt8(valueHandle & 0xFF), UInt8(valueHandle >> 8)] + type.littleEndianBytes
        }
        attributes = [
            Attribute(handle: 0x0001, type: .primaryService, value: BluetoothUUID.genericAccessService.littleEndianBytes, groupEnd: 0x0003),
            Attribute(handle: 0x0002, type: .characteristicDeclaration, value: declaration(0x02, 0x0003, .deviceName)),
            Attribute(handle: 0x0003, type: .deviceName, value: name),
            Attribute(handle: 0x0004, type: .primaryService, value: BluetoothUUID.heartRateService.littleEndianBytes, groupEnd: 0x0009),
            Attribute(handle: 0x0005, type: .characteristicDeclaration, value: declaration(0x10, 0x0006, .heartRateMeasurement)),
            Attribute(handle: 0x0006, type: .heartRateMeasurement, value: [], readable: false),
            Attribute(handle: 0x0007, type: .clientCharacteristicConfiguration, value: [0, 0]),
            Attribute(handle: 0x0008, type: .characteristicDeclaration, value: declaration(0x02, 0x0009, .bodySensorLocation)),
            // Body Sensor Location 0x01 = Chest (Heart Rate Service 1.0 §3.2.1).
            Attribute(handle: 0x0009, type: .bodySensorLocation, value: [0x01]),
            Attribute(handle: 0x000A, type: .primaryService, value: BluetoothUUID.batteryService.littleEndianBytes, groupEnd: 0x000D),
            Attribute(handle: 0x000B, type: .characteristicDeclaration, value: declaration(0x12, 0x000C, .batteryLevel)),
            Attribute(handle: 0x000C, type: .batteryLevel, value: [batteryPercent]),
            Attribute(handle: 0x000D, type: .clientCharacteristicConfiguration, value: [0, 0]),
        ]
    }

    /// Answers one received PDU; nil when the PDU needs no answer (commands, confirmations,
    /// and garbage, which a real strap's stack also drops).
    public mutating func respond(to bytes: [UInt8]) -> [UInt8]? {
        guard let pdu = try? ATTPDU(decoding: bytes) else {
            guard let first = bytes.first, ATTOpcode(rawValue: first).isCommand == false, first & 1 == 0 else { return nil }
            // An unsupported or malformed request (even opcodes are requests) still gets an answer (§3.4.1.1).
            return ATTPDU.errorResponse(request: ATTOpcode(rawValue: first), handle: 0, error: .requestNotSupported).encoded()
        }
        return answer(pdu)?.encoded()
    }

    private mutating func answer(_ pdu: ATTPDU) -> ATTPDU? {
        switch pdu {
        case .exchangeMTURequest(let clientMTU):
            mtu = max(23, min(clientMTU, serverMTU))
            return .exchangeMTUResponse(serverMTU: serverMTU)
        case .readByGroupTypeRequest(let start, let end, let type):
            if let error = Self.checkRange(pdu.opcode, start, end) { return error }
            guard type == .primaryService else { return .errorResponse(request: pdu.opcode, handle: start, error: .unsupportedGroupType) }
            let matches = attributes.filter { $0.type == .primaryService && (start...end).contains($0.handle) }
            let records = Self.sameLength(matches.map { ATTGroupValue(handle: $0.handle, endGroupHandle: $0.groupEnd, value: $0.value) }, length: { $0.value.count }, recordOverhead: 4, mtu: mtu)
            return records.isEmpty ? .errorResponse(request: pdu.opcode, handle: start, error: .attributeNotFound) : .readByGroupTypeResponse(records)
        case .readByTypeRequest(let start, let end, let type):
            if let error = Self.checkRange(pdu.opcode, start, end) { return error }
            let matches = attributes.filter { $0.type == type && (start...end).contains($0.handle) }
            if let first = matches.first, !first.readable {
                return .errorResponse(request: pdu.opcode, handle: first.handle, error: .readNotPermitted)
            }
            // §3.4.4.2: a value longer than ATT_MTU - 4 is cut to fit.
            let values = matches.filter(\.readable).map { ATTHandleValue(handle: $0.handle, value: Array($0.value.prefix(Int(mtu) - 4))) }
            let records = Self.sameLength(values, length: { $0.value.count }, recordOverhead: 2, mtu: mtu)
            return records.isEmpty ? .errorResponse(request: pdu.opcode, handle: start, error: .attributeNotFound) : .readByTypeResponse(records)
        case .findInformationRequest(let start, let end):
            if let error = Self.checkRange(pdu.opcode, start, end) { return error }
            let pairs = attributes.filter { (start...end).contains($0.handle) }.prefix((Int(mtu) - 2) / 4)
                .map { ATTHandleUUID(handle: $0.handle, type: $0.type) }
            return pairs.isEmpty ? .errorResponse(request: pdu.opcode, handle: start, error: .attributeNotFound) : .findInformationResponse(pairs)
        case .readRequest(let handle):
            guard let attribute = attributes.first(where: { $0.handle == handle }) else {
                return .errorResponse(request: pdu.opcode, handle: handle, error: .invalidHandle)
            }
            guard attribute.readable else { return .errorResponse(request: pdu.opcode, handle: handle, error: .readNotPermitted) }
            return .readResponse(value: Array(attribute.value.prefix(Int(mtu) - 1)))
        case .writeRequest(let handle, let value):
            guard attributes.contains(where: { $0.handle == handle }) else {
                return .errorResponse(request: pdu.opcode, handle: handle, error: .invalidHandle)
            }
            guard handle == Self.measurementConfigurationHandle || handle == Self.batteryConfigurationHandle else {
                return .errorResponse(request: pdu.opcode, handle: handle, error: .writeNotPermitted)
            }
            // A CCCD value is two octets (Core v5.3 Vol 3 Part G §3.3.3.3).
            guard value.count == 2 else { return .errorResponse(request: pdu.opcode, handle: handle, error: ATTErrorCode(rawValue: 0x0D)) }
            if handle == Self.measurementConfigurationHandle { notificationsEnabled = value[0] & 0x01 != 0 }
            return .writeResponse
        case .writeCommand, .handleValueConfirmation, .errorResponse, .handleValueNotification:
            return nil
        default:
            return .errorResponse(request: pdu.opcode, handle: 0, error: .requestNotSupported)
        }
    }

    /// §3.4.3.1 and friends: a zero start or a start past the end is an Invalid Handle.
    private static func checkRange(_ opcode: ATTOpcode, _ start: UInt16, _ end: UInt16) -> ATTPDU? {
        start == 0 || start > end ? .errorResponse(request: opcode, handle: start, error: .invalidHandle) : nil
    }

    /// Records in one response share a length, and the response fits in ATT_MTU (§3.4.4.2, §3.4.4.10).
    private static func sameLength<R>(_ records: [R], length: (R) -> Int, recordOverhead: Int, mtu: UInt16) -> [R] {
        guard let first = records.first else { return [] }
        let recordLength = length(first) + recordOverhead
        let fitting = max(1, (Int(mtu) - 2) / recordLength)
        return Array(records.prefix { length($0) == length(first) }.prefix(fitting))
    }
}
