// SPDX-License-Identifier: Apache-2.0
package import HRVCore

/// A small JSON writer that keeps keys in the order written (the contract other programs read)
/// and writes non-finite numbers as null (JSON has no NaN).
///
/// It writes UTF-8 bytes, not a `String`: `lull hrv --json` on a 24-hour recording writes about
/// 10 MB, and appending to a byte array costs a fraction of growing a `String` piece by piece.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Whether the innermost open object or array already holds a value (a comma goes first).
    private var needsComma: [Bool] = [false]

    package init() {}

    /// Makes room for `count` bytes, so a long text is not copied as it grows.
    package mutating func reserveCapacity(_ count: Int) { bytes.reserveCapacity(count) }

    /// What was written, as text.
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    package mutating func beginObject(_ key: String? = nil) { open(key, UInt8(ascii: "{")) }
    package mutating func endObject() { close(UInt8(ascii: "}")) }
    package mutating func beginArray(_ key: String? = nil) { open(key, UInt8(ascii: "[")) }
    package mutating func endArray() { close(UInt8(ascii: "]")) }

    package mutating func field(_ key: String, _ value: Double?) {
        prefix(key)
        Self.appendNumber(value, to: &bytes)
    }

    package mutating func field(_ key: String, _ value: Int?) {
        prefix(key)
        if let value { Self.appendInteger(value, to: &bytes) } else { bytes.append(contentsOf: Self.null) }
    }

    package mutating func field(_ key: String, _ value: Bool) {
        prefix(key)
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    package mutating func field(_ key: String, _ value: String?) {
        prefix(key)
        if let value { Self.appendQuoted(value, to: &bytes) } else { bytes.append(contentsOf: Self.null) }
    }

    /// A number as the next element of the open array.
    package mutating func value(_ value: Double?) {
        comma()
        Self.appendNumber(value, to: &bytes)
    }

    /// An integer as the next element of the open array.
    package mutating func value(_ value: Int) {
        comma()
        Self.appendInteger(value, to: &bytes)
    }

    /// Appends `other`'s bytes as the next value of the open array (or object, when `other` wrote
    /// `"key":value` pairs itself): how parts written on other threads are joined in order.
    package mutating func appendValues(of other: JSONWriter) {
        guard !other.bytes.isEmpty else { return }
        comma()
        bytes.append(contentsOf: other.bytes)
    }

    package static func number(_ value: Double?) -> String {
        var out: [UInt8] = []
        appendNumber(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    package static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let null = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    /// Whole numbers below 1e15 as integers, others as Swift's shortest round-trip decimal.
    private static func appendNumber(_ value: Double?, to out: inout [UInt8]) {
        guard let value, value.isFinite else {
            out.append(contentsOf: null)
            return
        }
        if value == value.rounded() && abs(value) < 1e15 {
            appendInteger(Int(value), to: &out)
        } else {
            var text = value.description
            text.withUTF8 { out.append(contentsOf: $0) }
        }
    }

    private static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // Digits are produced last first into a small stack buffer: UInt64 has at most 20.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var count = 0
            repeat {
                digits[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - count)...]))
        }
    }

    private static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (every key) need no escape: copy them whole.
        let copied = s.utf8.withContiguousStorageIfAvailable { bytes in
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else {
                return false
            }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case let c where c < 0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 15)])
            default: out.append(byte)  // bytes of multi-byte UTF-8 sequences are all >= 0x80
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func open(_ key: String?, _ bracket: UInt8) {
        if let key { prefix(key) } else { comma() }
        bytes.append(bracket)
        needsComma.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        needsComma.removeLast()
        bytes.append(bracket)
    }

    private mutating func comma() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func prefix(_ key: String) {
        comma()
        Self.appendQuoted(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }
}

extension JSONWriter {
    /// `"artifacts": {"ectopic", "missed", "extra", "long_short", "no_contact"}, "artifact_pct"`.
    package mutating func artifacts(_ counts: ArtifactCounts) {
        beginObject("artifacts")
        field("ectopic", counts.ectopic)
        field("missed", counts.missed)
        field("extra", counts.extra)
        field("long_short", counts.longShort)
        field("no_contact", counts.noContact)
        endObject()
        field("artifact_pct", counts.percent)
    }
}
