// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import BLEProtocol

@Suite struct AdvertisingDataTests {
    @Test func readsServicesAndNameFromAStrapAdvertisement() {
        // Flags, Complete 16-bit UUIDs {0x180D, 0x180F}, Complete Local Name "Polar H10 1A2B".
        let data = AdvertisingData(parsing: hex("02 01 06 05 03 0D 18 0F 18 0F 09 50 6F 6C 61 72 20 48 31 30 20 31 41 32 42"))
        #expect(data.serviceUUIDs16 == [0x180D, 0x180F])
        #expect(data.localName == "Polar H10 1A2B")
        #expect(data.advertisesHeartRate)
    }

    @Test func stopsAtAStructureThatRunsPastTheEnd() {
        let data = AdvertisingData(parsing: hex("03 03 0D 18 09 08 48 52"))
        #expect(data.serviceUUIDs16 == [0x180D])
        #expect(data.localName == nil)
    }
}
