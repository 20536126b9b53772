// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import BLEProtocol

/// Byte scripts for the kernel's management interface (BlueZ doc/mgmt-api.txt), exact to the byte.
@Suite struct ManagementPacketTests {
    @Test func startServiceDiscoveryForHeartRateOnLE() {
        let packet = ManagementCommand.startServiceDiscovery(addressTypes: .le, rssiThreshold: 127, uuids: [.heartRateService])
            .encoded(controllerIndex: 1)
        // Code 0x003A, index 1, 20 parameter octets: types 0x06, RSSI 127, one UUID, 0000180D-0000-1000-8000-00805F9B34FB LSB first.
        #expect(packet == hex("3A 00 01 00 14 00 06 7F 01 00 FB 34 9B 5F 80 00 00 80 00 10 00 00 0D 18 00 00"))
        #expect(ManagementCommand.stopDiscovery(addressTypes: .le).encoded(controllerIndex: 0) == hex("24 00 00 00 01 00 06"))
    }

    @Test func deviceFoundCarriesAddressRSSIAndTheMergedAdvertisingData() throws {
        // Device Found on index 0: address C4:9E:1A:12:34:56 (LSB first), LE random, RSSI -60,
        // flags 0, 12 octets of data: the advertisement (flags, 0x180D) then the scan response (name "H10").
        let packet = try ManagementPacket(
            decoding: hex("12 00 00 00 1A 00 56 34 12 1A 9E C4 02 C4 00 00 00 00 0C 00 02 01 06 03 03 0D 18 04 09 48 31 30"))
        #expect(packet.controllerIndex == 0)
        #expect(
            packet.event
                == .deviceFound(
                    ManagementDeviceFound(
                        addressOctets: [0xC4, 0x9E, 0x1A, 0x12, 0x34, 0x56], addressType: 2, rssiDBm: -60, flags: 0,
                        data: AdvertisingData(serviceUUIDs16: [0x180D], localName: "H10"))))
    }

    @Test func commandCompleteStatusDiscoveringAndDisconnect() throws {
        #expect(
            try ManagementPacket(decoding: hex("01 00 00 00 04 00 3A 00 00 06")).event
                == .commandComplete(command: 0x003A, status: .success, returnParameters: [0x06]))
        #expect(try ManagementPacket(decoding: hex("02 00 00 00 03 00 3A 00 0A")).event == .commandStatus(command: 0x003A, status: .busy))
        #expect(try ManagementPacket(decoding: hex("13 00 00 00 02 00 06 00")).event == .discovering(addressTypes: .le, active: false))
        #expect(
            try ManagementPacket(decoding: hex("0C 00 00 00 08 00 56 34 12 1A 9E C4 02 03")).event
                == .deviceDisconnected(addressOctets: [0xC4, 0x9E, 0x1A, 0x12, 0x34, 0x56], addressType: 2, reason: 3))
        #expect(ManagementEvent.disconnectReason(3) == "terminated by the remote host")
        #expect(
            try ManagementPacket(decoding: hex("1C 00 00 00 10 00 56 34 12 1A 9E C4 02 00 18 00 28 00 00 00 C8 00")).event
                == .newConnectionParameter(
                    addressOctets: [0xC4, 0x9E, 0x1A, 0x12, 0x34, 0x56], addressType: 2, minimumInterval: 24, maximumInterval: 40,
                    latency: 0, supervisionTimeout: 200))
        #expect(try ManagementPacket(decoding: hex("05 00 02 00 00 00")) == ManagementPacket(controllerIndex: 2, event: .indexRemoved))
        #expect(try ManagementPacket(decoding: hex("0B 00 00 00 00 00")).event == .other(code: 0x000B))
    }

    @Test func truncatedPacketsAreTypedErrors() {
        #expect(throws: ManagementDecodingError.truncated(code: nil, byteCount: 1)) { try ManagementPacket(decoding: [0x12]) }
        // The header promises 25 octets; 3 came.
        #expect(throws: ManagementDecodingError.truncated(code: 0x0012, byteCount: 9)) {
            try ManagementPacket(decoding: hex("12 00 00 00 19 00 56 34 12"))
        }
        // Device Found whose data length runs past its parameters.
        #expect(throws: ManagementDecodingError.truncated(code: 0x0012, byteCount: 21)) {
            try ManagementPacket(decoding: hex("12 00 00 00 0F 00 56 34 12 1A 9E C4 02 C4 00 00 00 00 0C 00 02"))
        }
    }
}
