// SPDX-License-Identifier: Apache-2.0

/// The Linux kernel's Bluetooth management interface (the HCI_CHANNEL_CONTROL socket that
/// bluetoothd itself drives), the commands and events a strap scan needs.
///
/// Every packet is: command or event code (2 octets), controller index (2), parameter length (2),
/// parameters; all little-endian (BlueZ doc/mgmt-api.txt, "Packet Structures"). Discovery through
/// it runs in the kernel, which picks legacy or extended scanning for the controller and shares the
/// radio with bluetoothd, where raw HCI scan commands collide with both.
public enum ManagementCommand: Equatable, Sendable {
    /// Start Service Discovery (0x003A): LE discovery that reports only devices advertising one of
    /// `uuids` (in the advertising data or the scan response). `rssiThreshold` 127 reports all.
    case startServiceDiscovery(addressTypes: ManagementAddressTypes, rssiThreshold: Int8, uuids: [BluetoothUUID])
    /// Stop Discovery (0x0024), with the address types it was started with.
    case stopDiscovery(addressTypes: ManagementAddressTypes)

    public var code: UInt16 {
        switch self {
        case .startServiceDiscovery: 0x003A
        case .stopDiscovery: 0x0024
        }
    }

    /// The packet for controller `index` (N of "hciN").
    public func encoded(controllerIndex index: UInt16) -> [UInt8] {
        var parameters: [UInt8] = []
        switch self {
        case .startServiceDiscovery(let types, let rssi, let uuids):
            parameters.append(types.rawValue)
            parameters.append(UInt8(bitPattern: rssi))
            parameters.appendLittleEndian(UInt16(uuids.count))
            for uuid in uuids { parameters += uuid.littleEndian128Bytes }
        case .stopDiscovery(let types):
            parameters.append(types.rawValue)
        }
        var packet: [UInt8] = []
        packet.appendLittleEndian(code)
        packet.appendLittleEndian(index)
        packet.appendLittleEndian(UInt16(parameters.count))
        return packet + parameters
    }
}

/// The Address_Type bit field of the discovery commands (mgmt-api.txt, "Start Discovery Command").
public struct ManagementAddressTypes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bredr = ManagementAddressTypes(rawValue: 1 << 0)
    public static let lePublic = ManagementAddressTypes(rawValue: 1 << 1)
    public static let leRandom = ManagementAddressTypes(rawValue: 1 << 2)
    public static let le: ManagementAddressTypes = [.lePublic, .leRandom]
}

/// A command's status (mgmt-api.txt, "Error Codes"); the ones a scan acts on are named.
public struct ManagementStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let success = ManagementStatus(rawValue: 0x00)
    /// Another discovery runs (bluetoothd's or a user's `bluetoothctl scan on`).
    public static let busy = ManagementStatus(rawValue: 0x0A)
    public static let notSupported = ManagementStatus(rawValue: 0x0C)
    public static let notPowered = ManagementStatus(rawValue: 0x0F)
    public static let invalidIndex = ManagementStatus(rawValue: 0x11)
    public static let rfkilled = ManagementStatus(rawValue: 0x12)
    public static let permissionDenied = ManagementStatus(rawValue: 0x14)

    public var description: String {
        switch self {
        case .success: "success"
        case .busy: "busy"
        case .notSupported: "not supported"
        case .notPowered: "not powered"
        case .invalidIndex: "invalid index"
        case .rfkilled: "blocked through rfkill"
        case .permissionDenied: "permission denied"
        default: "status 0x" + String(rawValue, radix: 16)
        }
    }
}

/// A device seen by discovery (Device Found event, 0x0012).
public struct ManagementDeviceFound: Equatable, Sendable {
    /// Most significant octet first, as printed.
    public var addressOctets: [UInt8]
    /// 0 BR/EDR, 1 LE public, 2 LE random.
    public var addressType: UInt8
    /// dBm; 127 when the controller gave none.
    public var rssiDBm: Int8
    public var flags: UInt32
    /// The advertising data and scan response, concatenated as the kernel reports them (EIR format,
    /// the same AD structures as an advertisement).
    public var data: AdvertisingData

    public init(addressOctets: [UInt8], addressType: UInt8, rssiDBm: Int8, flags: UInt32, data: AdvertisingData) {
        self.addressOctets = addressOctets
        self.addressType = addressType
        self.rssiDBm = rssiDBm
        self.flags = flags
        self.data = data
    }
}

/// The events a scan and the link log read; anything else is `.other`.
public enum ManagementEvent: Equatable, Sendable {
    /// Command Complete (0x0001).
    case commandComplete(command: UInt16, status: ManagementStatus, returnParameters: [UInt8])
    /// Command Status (0x0002): the command failed (or is pending) without return parameters.
    case commandStatus(command: UInt16, status: ManagementStatus)
    /// Index Added (0x0004): a controller appeared.
    case indexAdded
    /// Index Removed (0x0005): the controller went away.
    case indexRemoved
    /// Device Found (0x0012).
    case deviceFound(ManagementDeviceFound)
    /// Discovering (0x0013): discovery started (true) or ended (false).
    case discovering(addressTypes: ManagementAddressTypes, active: Bool)
    /// Device Disconnected (0x000C), `reason` as mgmt-api.txt lists it (see `disconnectReason`).
    case deviceDisconnected(addressOctets: [UInt8], addressType: UInt8, reason: UInt8)
    /// New Connection Parameter (0x001C): intervals in 1.25 ms units, timeout in 10 ms units.
    case newConnectionParameter(
        addressOctets: [UInt8], addressType: UInt8, minimumInterval: UInt16, maximumInterval: UInt16, latency: UInt16,
        supervisionTimeout: UInt16)
    case other(code: UInt16)

    /// The text for a Device Disconnected reason (mgmt-api.txt, "Device Disconnected Event").
    public static func disconnectReason(_ reason: UInt8) -> String {
        switch reason {
        case 1: "connection timeout"
        case 2: "terminated by the local host"
        case 3: "terminated by the remote host"
        case 4: "authentication failure"
        case 5: "local host suspended"
        default: "unspecified"
        }
    }
}

/// Why a management packet could not be decoded.
public enum ManagementDecodingError: Error, Equatable, Sendable {
    /// Fewer than the 6 header octets, or fewer parameters than the header or the event promise.
    case truncated(code: UInt16?, byteCount: Int)
}

/// One received management packet.
public struct ManagementPacket: Equatable, Sendable {
    /// The controller it concerns (N of "hciN"); 0xFFFF for none.
    public var controllerIndex: UInt16
    public var event: ManagementEvent

    public init(controllerIndex: UInt16, event: ManagementEvent) {
        self.controllerIndex = controllerIndex
        self.event = event
    }

    public init(decoding bytes: [UInt8]) throws(ManagementDecodingError) {
        var header = ByteReader(bytes)
        guard let code = header.uint16(), let index = header.uint16(), let length = header.uint16(),
            let parameters = header.take(Int(length))
        else { throw .truncated(code: bytes.count >= 2 ? UInt16(bytes[0]) | UInt16(bytes[1]) << 8 : nil, byteCount: bytes.count) }
        controllerIndex = index
        var reader = ByteReader(parameters)
        let truncated = ManagementDecodingError.truncated(code: code, byteCount: bytes.count)
        /// Addresses travel least significant octet first.
        func address() -> [UInt8]? { reader.take(6).map { Array($0.reversed()) } }
        switch code {
        case 0x0001:
            guard let command = reader.uint16(), let status = reader.uint8() else { throw truncated }
            event = .commandComplete(command: command, status: ManagementStatus(rawValue: status), returnParameters: reader.rest())
        case 0x0002:
            guard let command = reader.uint16(), let status = reader.uint8() else { throw truncated }
            event = .commandStatus(command: command, status: ManagementStatus(rawValue: status))
        case 0x0004:
            event = .indexAdded
        case 0x0005:
            event = .indexRemoved
        case 0x000C:
            guard let octets = address(), let type = reader.uint8(), let reason = reader.uint8() else { throw truncated }
            event = .deviceDisconnected(addressOctets: octets, addressType: type, reason: reason)
        case 0x0012:
            guard let octets = address(), let type = reader.uint8(), let rssi = reader.uint8(), let flagsLow = reader.uint16(),
                let flagsHigh = reader.uint16(), let dataLength = reader.uint16(), let data = reader.take(Int(dataLength))
            else { throw truncated }
            event = .deviceFound(
                ManagementDeviceFound(
                    addressOctets: octets, addressType: type, rssiDBm: Int8(bitPattern: rssi),
                    flags: UInt32(flagsLow) | UInt32(flagsHigh) << 16, data: AdvertisingData(parsing: data)))
        case 0x0013:
            guard let types = reader.uint8(), let active = reader.uint8() else { throw truncated }
            event = .discovering(addressTypes: ManagementAddressTypes(rawValue: types), active: active != 0)
        case 0x001C:
            guard let octets = address(), let type = reader.uint8(), reader.uint8() != nil, let minimum = reader.uint16(),
                let maximum = reader.uint16(), let latency = reader.uint16(), let timeout = reader.uint16()
            else { throw truncated }
            event = .newConnectionParameter(
                addressOctets: octets, addressType: type, minimumInterval: minimum, maximumInterval: maximum, latency: latency,
                supervisionTimeout: timeout)
        default:
            event = .other(code: code)
        }
    }
}
