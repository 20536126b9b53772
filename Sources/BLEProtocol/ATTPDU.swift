// SPDX-License-Identifier: Apache-2.0

/// Why received bytes are not a well-formed ATT PDU.
public enum ATTDecodingError: Error, Equatable, Sendable {
    /// Zero bytes: not even an opcode.
    case empty
    /// An opcode this decoder does not implement.
    case unsupportedOpcode(ATTOpcode)
    /// Fewer bytes than the PDU's fixed fields need.
    case truncated(ATTOpcode, byteCount: Int)
    /// Bytes left over, or a list whose length does not divide into whole records.
    case malformed(ATTOpcode, String)
}

/// The ATT PDUs Lull sends or receives, one case per PDU (Core v5.3 Vol 3 Part F §3.4).
///
/// Decoding checks every length rule the specification states, so a peer's bug or a fuzzer's
/// bytes end in an `ATTDecodingError`, never a trap.
public enum ATTPDU: Equatable, Sendable {
    /// §3.4.1.1: the request that failed, the handle it failed on, and why.
    case errorResponse(request: ATTOpcode, handle: UInt16, error: ATTErrorCode)
    /// §3.4.2.1: the client's receive MTU.
    case exchangeMTURequest(clientMTU: UInt16)
    /// §3.4.2.2: the server's receive MTU.
    case exchangeMTUResponse(serverMTU: UInt16)
    /// §3.4.3.1
    case findInformationRequest(start: UInt16, end: UInt16)
    /// §3.4.3.2: handle and attribute type pairs, all of one UUID size.
    case findInformationResponse([ATTHandleUUID])
    /// §3.4.4.1
    case readByTypeRequest(start: UInt16, end: UInt16, type: BluetoothUUID)
    /// §3.4.4.2: handle and value pairs, all values of one length.
    case readByTypeResponse([ATTHandleValue])
    /// §3.4.4.3
    case readRequest(handle: UInt16)
    /// §3.4.4.4
    case readResponse(value: [UInt8])
    /// §3.4.4.9
    case readByGroupTypeRequest(start: UInt16, end: UInt16, type: BluetoothUUID)
    /// §3.4.4.10: attribute handle, end group handle and value, all values of one length.
    case readByGroupTypeResponse([ATTGroupValue])
    /// §3.4.5.1
    case writeRequest(handle: UInt16, value: [UInt8])
    /// §3.4.5.2
    case writeResponse
    /// §3.4.5.3
    case writeCommand(handle: UInt16, value: [UInt8])
    /// §3.4.7.1
    case handleValueNotification(handle: UInt16, value: [UInt8])
    /// §3.4.7.2
    case handleValueIndication(handle: UInt16, value: [UInt8])
    /// §3.4.7.3
    case handleValueConfirmation

    /// The PDU's opcode.
    public var opcode: ATTOpcode {
        switch self {
        case .errorResponse: .errorResponse
        case .exchangeMTURequest: .exchangeMTURequest
        case .exchangeMTUResponse: .exchangeMTUResponse
        case .findInformationRequest: .findInformationRequest
        case .findInformationResponse: .findInformationResponse
        case .readByTypeRequest: .readByTypeRequest
        case .readByTypeResponse: .readByTypeResponse
        case .readRequest: .readRequest
        case .readResponse: .readResponse
        case .readByGroupTypeRequest: .readByGroupTypeRequest
        case .readByGroupTypeResponse: .readByGroupTypeResponse
        case .writeRequest: .writeRequest
        case .writeResponse: .writeResponse
        case .writeCommand: .writeCommand
        case .handleValueNotification: .handleValueNotification
        case .handleValueIndication: .handleValueIndication
        case .handleValueConfirmation: .handleValueConfirmation
        }
    }
}

/// One record of a Find Information Response (§3.4.3.2).
public struct ATTHandleUUID: Equatable, Sendable {
    public var handle: UInt16
    public var type: BluetoothUUID
    public init(handle: UInt16, type: BluetoothUUID) {
        self.handle = handle
        self.type = type
    }
}

/// One record of a Read By Type Response (§3.4.4.2).
public struct ATTHandleValue: Equatable, Sendable {
    public var handle: UInt16
    public var value: [UInt8]
    public init(handle: UInt16, value: [UInt8]) {
        self.handle = handle
        self.value = value
    }
}

/// One record of a Read By Group Type Response (§3.4.4.10).
public struct ATTGroupValue: Equatable, Sendable {
    public var handle: UInt16
    public var endGroupHandle: UInt16
    public var value: [UInt8]
    public init(handle: UInt16, endGroupHandle: UInt16, value: [UInt8]) {
        self.handle = handle
        self.endGroupHandle = endGroupHandle
        self.value = value
    }
}
