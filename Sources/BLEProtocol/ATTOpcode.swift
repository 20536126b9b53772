// SPDX-License-Identifier: Apache-2.0

/// An ATT opcode (Core v5.3 Vol 3 Part F §3.3.1, Table 3.1).
///
/// A struct, not an enum, so an opcode this code does not know is data to report, not a crash.
public struct ATTOpcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let errorResponse = ATTOpcode(rawValue: 0x01)
    public static let exchangeMTURequest = ATTOpcode(rawValue: 0x02)
    public static let exchangeMTUResponse = ATTOpcode(rawValue: 0x03)
    public static let findInformationRequest = ATTOpcode(rawValue: 0x04)
    public static let findInformationResponse = ATTOpcode(rawValue: 0x05)
    public static let readByTypeRequest = ATTOpcode(rawValue: 0x08)
    public static let readByTypeResponse = ATTOpcode(rawValue: 0x09)
    public static let readRequest = ATTOpcode(rawValue: 0x0A)
    public static let readResponse = ATTOpcode(rawValue: 0x0B)
    public static let readByGroupTypeRequest = ATTOpcode(rawValue: 0x10)
    public static let readByGroupTypeResponse = ATTOpcode(rawValue: 0x11)
    public static let writeRequest = ATTOpcode(rawValue: 0x12)
    public static let writeResponse = ATTOpcode(rawValue: 0x13)
    public static let handleValueNotification = ATTOpcode(rawValue: 0x1B)
    public static let handleValueIndication = ATTOpcode(rawValue: 0x1D)
    public static let handleValueConfirmation = ATTOpcode(rawValue: 0x1E)
    public static let writeCommand = ATTOpcode(rawValue: 0x52)

    /// Bit 6 is the Command Flag: commands get no response, even when unsupported (§3.3.1).
    public var isCommand: Bool { rawValue & 0x40 != 0 }

    /// The requests this client sends, which each open a transaction (Part F §3.3.2).
    public var isClientRequest: Bool {
        [.exchangeMTURequest, .findInformationRequest, .readByTypeRequest, .readRequest, .readByGroupTypeRequest, .writeRequest]
            .contains(self)
    }

    public var description: String { "0x" + String(rawValue, radix: 16, uppercase: true) }
}

/// An ATT error code (Core v5.3 Vol 3 Part F §3.4.1.1, Table 3.4).
public struct ATTErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let invalidHandle = ATTErrorCode(rawValue: 0x01)
    public static let readNotPermitted = ATTErrorCode(rawValue: 0x02)
    public static let writeNotPermitted = ATTErrorCode(rawValue: 0x03)
    public static let invalidPDU = ATTErrorCode(rawValue: 0x04)
    public static let insufficientAuthentication = ATTErrorCode(rawValue: 0x05)
    public static let requestNotSupported = ATTErrorCode(rawValue: 0x06)
    public static let attributeNotFound = ATTErrorCode(rawValue: 0x0A)
    public static let unlikelyError = ATTErrorCode(rawValue: 0x0E)
    public static let unsupportedGroupType = ATTErrorCode(rawValue: 0x10)

    public var description: String {
        switch self {
        case .invalidHandle: "Invalid Handle"
        case .readNotPermitted: "Read Not Permitted"
        case .writeNotPermitted: "Write Not Permitted"
        case .invalidPDU: "Invalid PDU"
        case .insufficientAuthentication: "Insufficient Authentication"
        case .requestNotSupported: "Request Not Supported"
        case .attributeNotFound: "Attribute Not Found"
        case .unlikelyError: "Unlikely Error"
        case .unsupportedGroupType: "Unsupported Group Type"
        default: "error 0x" + String(rawValue, radix: 16, uppercase: true)
        }
    }
}
