// SPDX-License-Identifier: Apache-2.0
// Placeholder so the module builds and proves libbluetooth links; replaced as the module is written.
import CBlueZ

public enum BluetoothLinuxModule {
    /// Formats a Bluetooth device address through libbluetooth's `ba2str`.
    public static func format(_ bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) -> String {
        var address = bdaddr_t(b: bytes)
        var text = [CChar](repeating: 0, count: 18)
        _ = ba2str(&address, &text)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
