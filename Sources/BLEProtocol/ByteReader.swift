// SPDX-License-Identifier: Apache-2.0

/// A bounds-checked little-endian cursor over received bytes.
///
/// Bluetooth LE puts every multi-octet field on the air little-endian
/// (Core v5.3 Vol 3 Part F §3.2.9; Heart Rate Service 1.0 §3.1.1). Every read returns nil instead
/// of trapping, so the decoders can turn a short payload into a typed error.
struct ByteReader {
    private let bytes: ArraySlice<UInt8>
    private(set) var offset: Int

    init(_ bytes: some Collection<UInt8>) {
        self.bytes = ArraySlice(bytes)
        self.offset = self.bytes.startIndex
    }

    var remainingCount: Int { bytes.endIndex - offset }

    mutating func uint8() -> UInt8? {
        guard remainingCount >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16() -> UInt16? {
        guard remainingCount >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, remainingCount >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func rest() -> [UInt8] {
        defer { offset = bytes.endIndex }
        return Array(bytes[offset...])
    }
}

extension Array where Element == UInt8 {
    /// Appends a little-endian UInt16 (Core v5.3 Vol 3 Part F §3.2.9).
    mutating func appendLittleEndian(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }
}
