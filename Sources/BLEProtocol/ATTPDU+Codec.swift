// SPDX-License-Identifier: Apache-2.0

extension ATTPDU {
    /// Decodes one ATT PDU: one SOCK_SEQPACKET read on the ATT channel is exactly one PDU
    /// (Core v5.3 Vol 3 Part F §3.3: a PDU is an opcode followed by parameters).
    public init(decoding bytes: [UInt8]) throws(ATTDecodingError) {
        var reader = ByteReader(bytes)
        guard let rawOpcode = reader.uint8() else { throw .empty }
        let opcode = ATTOpcode(rawValue: rawOpcode)
        let truncated = ATTDecodingError.truncated(opcode, byteCount: bytes.count)

        func finished(_ pdu: ATTPDU, _ reader: ByteReader) throws(ATTDecodingError) -> ATTPDU {
            guard reader.remainingCount == 0 else {
                throw .malformed(opcode, "\(reader.remainingCount) trailing bytes")
            }
            return pdu
        }

        switch opcode {
        case .errorResponse:
            guard let request = reader.uint8(), let handle = reader.uint16(), let code = reader.uint8() else {
                throw truncated
            }
            self = try finished(
                .errorResponse(request: ATTOpcode(rawValue: request), handle: handle, error: ATTErrorCode(rawValue: code)),
                reader)
        case .exchangeMTURequest, .exchangeMTUResponse:
            guard let mtu = reader.uint16() else { throw truncated }
            self = try finished(
                opcode == .exchangeMTURequest ? .exchangeMTURequest(clientMTU: mtu) : .exchangeMTUResponse(serverMTU: mtu),
                reader)
        case .findInformationRequest:
            guard let start = reader.uint16(), let end = reader.uint16() else { throw truncated }
            self = try finished(.findInformationRequest(start: start, end: end), reader)
        case .findInformationResponse:
            // §3.4.3.2: Format 0x01 = 16-bit UUIDs, 0x02 = 128-bit UUIDs; at least one pair.
            guard let format = reader.uint8() else { throw truncated }
            let uuidLength: Int
            switch format {
            case 0x01: uuidLength = 2
            case 0x02: uuidLength = 16
            default: throw .malformed(opcode, "format \(format)")
            }
            let pairLength = 2 + uuidLength
            guard reader.remainingCount >= pairLength else { throw truncated }
            guard reader.remainingCount % pairLength == 0 else {
                throw .malformed(opcode, "\(reader.remainingCount) bytes is not a whole number of \(pairLength)-byte pairs")
            }
            var pairs: [ATTHandleUUID] = []
            while reader.remainingCount > 0, let handle = reader.uint16(), let uuid = reader.take(uuidLength),
                let type = BluetoothUUID(littleEndian: uuid)
            {
                pairs.append(ATTHandleUUID(handle: handle, type: type))
            }
            self = .findInformationResponse(pairs)
        case .readByTypeRequest, .readByGroupTypeRequest:
            guard let start = reader.uint16(), let end = reader.uint16() else { throw truncated }
            guard let type = BluetoothUUID(littleEndian: reader.rest()) else {
                throw .malformed(opcode, "attribute type must be 2 or 16 bytes")
            }
            self =
                opcode == .readByTypeRequest
                ? .readByTypeRequest(start: start, end: end, type: type)
                : .readByGroupTypeRequest(start: start, end: end, type: type)
        case .readByTypeResponse:
            // §3.4.4.2: Length is the size of each handle-value pair, so at least 2.
            guard let length = reader.uint8() else { throw truncated }
            let records = try Self.records(&reader, length: Int(length), fixed: 2, opcode: opcode)
            self = .readByTypeResponse(
                records.map { ATTHandleValue(handle: UInt16($0[0]) | UInt16($0[1]) << 8, value: Array($0[2...])) })
        case .readByGroupTypeResponse:
            // §3.4.4.10: each record is handle, end group handle, then the value.
            guard let length = reader.uint8() else { throw truncated }
            let records = try Self.records(&reader, length: Int(length), fixed: 4, opcode: opcode)
            self = .readByGroupTypeResponse(
                records.map {
                    ATTGroupValue(
                        handle: UInt16($0[0]) | UInt16($0[1]) << 8, endGroupHandle: UInt16($0[2]) | UInt16($0[3]) << 8,
                        value: Array($0[4...]))
                })
        case .readRequest:
            guard let handle = reader.uint16() else { throw truncated }
            self = try finished(.readRequest(handle: handle), reader)
        case .readResponse:
            self = .readResponse(value: reader.rest())
        case .writeRequest, .writeCommand, .handleValueNotification, .handleValueIndication:
            guard let handle = reader.uint16() else { throw truncated }
            let value = reader.rest()
            switch opcode {
            case .writeRequest: self = .writeRequest(handle: handle, value: value)
            case .writeCommand: self = .writeCommand(handle: handle, value: value)
            case .handleValueNotification: self = .handleValueNotification(handle: handle, value: value)
            default: self = .handleValueIndication(handle: handle, value: value)
            }
        case .writeResponse:
            self = try finished(.writeResponse, reader)
        case .handleValueConfirmation:
            self = try finished(.handleValueConfirmation, reader)
        default:
            throw .unsupportedOpcode(opcode)
        }
    }

    /// Splits a list of equal-length records, each at least `fixed` bytes, and at least one of them.
    private static func records(
        _ reader: inout ByteReader, length: Int, fixed: Int, opcode: ATTOpcode
    ) throws(ATTDecodingError) -> [[UInt8]] {
        guard length >= fixed else { throw .malformed(opcode, "record length \(length) is under \(fixed)") }
        guard reader.remainingCount >= length else { throw .truncated(opcode, byteCount: reader.offset + reader.remainingCount) }
        guard reader.remainingCount % length == 0 else {
            throw .malformed(opcode, "\(reader.remainingCount) bytes is not a whole number of \(length)-byte records")
        }
        var records: [[UInt8]] = []
        while let record = reader.take(length), !record.isEmpty { records.append(record) }
        return records
    }

    /// The PDU's bytes, opcode first.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [opcode.rawValue]
        switch self {
        case .errorResponse(let request, let handle, let error):
            bytes.append(request.rawValue)
            bytes.appendLittleEndian(handle)
            bytes.append(error.rawValue)
        case .exchangeMTURequest(let mtu), .exchangeMTUResponse(let mtu):
            bytes.appendLittleEndian(mtu)
        case .findInformationRequest(let start, let end):
            bytes.appendLittleEndian(start)
            bytes.appendLittleEndian(end)
        case .findInformationResponse(let pairs):
            let isShort = pairs.first.map { $0.type.littleEndianBytes.count == 2 } ?? true
            bytes.append(isShort ? 0x01 : 0x02)
            for pair in pairs {
                bytes.appendLittleEndian(pair.handle)
                bytes += pair.type.littleEndianBytes
            }
        case .readByTypeRequest(let start, let end, let type), .readByGroupTypeRequest(let start, let end, let type):
            bytes.appendLittleEndian(start)
            bytes.appendLittleEndian(end)
            bytes += type.littleEndianBytes
        case .readByTypeResponse(let records):
            bytes.append(UInt8(truncatingIfNeeded: 2 + (records.first?.value.count ?? 0)))
            for record in records {
                bytes.appendLittleEndian(record.handle)
                bytes += record.value
            }
        case .readByGroupTypeResponse(let records):
            bytes.append(UInt8(truncatingIfNeeded: 4 + (records.first?.value.count ?? 0)))
            for record in records {
                bytes.appendLittleEndian(record.handle)
                bytes.appendLittleEndian(record.endGroupHandle)
                bytes += record.value
            }
        case .readRequest(let handle):
            bytes.appendLittleEndian(handle)
        case .readResponse(let value):
            bytes += value
        case .writeRequest(let handle, let value), .writeCommand(let handle, let value),
            .handleValueNotification(let handle, let value), .handleValueIndication(let handle, let value):
            bytes.appendLittleEndian(handle)
            bytes += value
        case .writeResponse, .handleValueConfirmation:
            break
        }
        return bytes
    }
}
