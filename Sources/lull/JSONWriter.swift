// SPDX-License-Identifier: Apache-2.0
import HRVCore

/// A small JSON writer that keeps keys in the order written (the contract other programs read)
/// and writes non-finite numbers as null (JSON has no NaN).
struct JSONWriter {
    private(set) var text = ""
    private var needsComma: [Bool] = [false]

    init() {}

    mutating func beginObject(_ key: String? = nil) { open(key, "{") }
    mutating func endObject() { close("}") }
    mutating func beginArray(_ key: String? = nil) { open(key, "[") }
    mutating func endArray() { close("]") }

    mutating func field(_ key: String, _ value: Double?) { prefix(key); text += Self.number(value) }
    mutating func field(_ key: String, _ value: Int?) { prefix(key); text += value.map(String.init) ?? "null" }
    mutating func field(_ key: String, _ value: Bool) { prefix(key); text += value ? "true" : "false" }
    mutating func field(_ key: String, _ value: String?) {
        prefix(key)
        text += value.map(Self.quoted) ?? "null"
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private mutating func open(_ key: String?, _ bracket: String) {
        if let key { prefix(key) } else { comma() }
        text += bracket
        needsComma.append(false)
    }

    private mutating func close(_ bracket: String) {
        needsComma.removeLast()
        text += bracket
    }

    private mutating func comma() {
        if needsComma[needsComma.count - 1] { text += "," }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func prefix(_ key: String) {
        comma()
        text += Self.quoted(key) + ":"
    }
}

extension JSONWriter {
    /// `"artifacts": {"ectopic", "missed", "extra", "long_short", "no_contact"}, "artifact_pct"`.
    mutating func artifacts(_ counts: ArtifactCounts) {
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
