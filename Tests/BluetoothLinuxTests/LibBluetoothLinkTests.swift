// SPDX-License-Identifier: Apache-2.0
import CBlueZ
import Testing
@testable import BluetoothLinux

@Suite struct LibBluetoothLinkTests {
    /// bdaddr_t stores the address little-endian: ba2str prints the last byte first, and our own
    /// formatting must agree with libbluetooth's, byte order included.
    @Test func addressFormattingAgreesWithLibbluetooth() throws {
        let address = try BluetoothAddress(parsing: "AA:BB:CC:DD:EE:0F")
        var raw = bdaddr_t(b: (0x0F, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA))
        var text = [CChar](repeating: 0, count: 18)
        _ = ba2str(&raw, &text)
        #expect(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == address.description)
    }
}
