// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import BluetoothLinux

@Suite struct LibBluetoothLinkTests {
    /// bdaddr_t stores the address little-endian: ba2str prints the last byte first.
    @Test func formatsAnAddressThroughLibbluetooth() {
        #expect(BluetoothLinuxModule.format((0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA)) == "AA:BB:CC:DD:EE:FF")
    }
}
