// SPDX-License-Identifier: Apache-2.0

/// Bytes from a hex string such as "02 B9 00" (spaces ignored), so byte scripts read like the
/// captures in BlueZ's unit/test-gatt.c.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd hex string \(text)")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}
