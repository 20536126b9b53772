// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import BLEProtocol

@Suite struct ATTPDUTests {
    static let roundTrips: [ATTPDU] = [
        .errorResponse(request: .readByGroupTypeRequest, handle: 0x000B, error: .attributeNotFound),
        .exchangeMTURequest(clientMTU: 185),
        .exchangeMTUResponse(serverMTU: 23),
        .findInformationRequest(start: 4, end: 0xFFFF),
        .findInformationResponse([ATTHandleUUID(handle: 4, type: .clientCharacteristicConfiguration)]),
        .findInformationResponse([ATTHandleUUID(handle: 9, type: .bits128(Array(1...16)))]),
        .readByTypeRequest(start: 1, end: 6, type: .characteristicDeclaration),
        .readByTypeResponse([ATTHandleValue(handle: 2, value: hex("10 03 00 37 2A"))]),
        .readRequest(handle: 3),
        .readResponse(value: [0x57]),
        .readByGroupTypeRequest(start: 1, end: 0xFFFF, type: .primaryService),
        .readByGroupTypeResponse([ATTGroupValue(handle: 1, endGroupHandle: 6, value: hex("0D 18"))]),
        .writeRequest(handle: 4, value: [1, 0]),
        .writeResponse,
        .writeCommand(handle: 4, value: [1, 0]),
        .handleValueNotification(handle: 3, value: hex("16 48 00 04")),
        .handleValueIndication(handle: 3, value: []),
        .handleValueConfirmation,
    ]

    @Test(arguments: roundTrips)
    func encodesAndDecodesBackToTheSamePDU(_ pdu: ATTPDU) throws {
        #expect(try ATTPDU(decoding: pdu.encoded()) == pdu)
    }

    @Test func encodesTheSpecLayouts() {
        #expect(ATTPDU.readByGroupTypeRequest(start: 1, end: 0xFFFF, type: .primaryService).encoded() == hex("10 01 00 FF FF 00 28"))
        #expect(ATTPDU.errorResponse(request: .readRequest, handle: 0x0102, error: .readNotPermitted).encoded() == hex("01 0A 02 01 02"))
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var bytes: String
        var error: ATTDecodingError
        var testDescription: String { bytes }
    }

    static let bad: [Bad] = [
        Bad(bytes: "", error: .empty),
        Bad(bytes: "FF", error: .unsupportedOpcode(ATTOpcode(rawValue: 0xFF))),
        Bad(bytes: "01 10 0B 00", error: .truncated(.errorResponse, byteCount: 4)),
        Bad(bytes: "01 10 0B 00 0A 00", error: .malformed(.errorResponse, "1 trailing bytes")),
        Bad(bytes: "03 17", error: .truncated(.exchangeMTUResponse, byteCount: 2)),
        Bad(bytes: "05 03 04 00 02 29", error: .malformed(.findInformationResponse, "format 3")),
        Bad(bytes: "05 01 04 00 02 29 05", error: .malformed(.findInformationResponse, "5 bytes is not a whole number of 4-byte pairs")),
        Bad(bytes: "05 01", error: .truncated(.findInformationResponse, byteCount: 2)),
        Bad(bytes: "09 01 02", error: .malformed(.readByTypeResponse, "record length 1 is under 2")),
        Bad(bytes: "09 07 02 00 10 03 00 37", error: .truncated(.readByTypeResponse, byteCount: 8)),
        Bad(bytes: "11 06 01 00 06 00 0D 18 07", error: .malformed(.readByGroupTypeResponse, "7 bytes is not a whole number of 6-byte records")),
        Bad(bytes: "10 01 00 FF FF 00", error: .malformed(.readByGroupTypeRequest, "attribute type must be 2 or 16 bytes")),
        Bad(bytes: "1B 03", error: .truncated(.handleValueNotification, byteCount: 2)),
        Bad(bytes: "13 00", error: .malformed(.writeResponse, "1 trailing bytes")),
    ]

    @Test(arguments: bad)
    func rejectsMalformedPDUsWithATypedError(_ row: Bad) {
        #expect(throws: row.error) { try ATTPDU(decoding: hex(row.bytes)) }
    }

    @Test func a128BitUUIDOnTheBaseIsItsShortForm() {
        let long = hex("FB 34 9B 5F 80 00 00 80 00 10 00 00 0D 18 00 00")
        #expect(BluetoothUUID(littleEndian: long) == .heartRateService)
    }
}
