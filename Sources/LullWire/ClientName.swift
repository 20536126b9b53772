// SPDX-License-Identifier: Apache-2.0

/// A client's name or code, as `lull session --client`, `lull start --client` and `POST /api/start`
/// take it: one rule for all three (README, "Client names").
///
/// Trimmed of white space at both ends, then 1 to 64 Unicode scalars and at most 192 bytes of
/// UTF-8 (64 letters of any script but not 64 four-byte emoji), with no control characters (C0, DEL, C1), no line or paragraph separators, and no
/// bidirectional embeddings, overrides or isolates (U+202A–U+202E, U+2066–U+2069), which would let a
/// name reorder the text printed after it in a terminal or a report. Scalars, not grapheme clusters,
/// are counted: one letter with 3,000 combining marks is one cluster but 3,001 scalars.
package enum ClientName {
    package static let maximumScalars = 64
    package static let maximumBytes = 192
    package static let rule =
        "must be 1 to 64 characters (Unicode scalars, at most 192 bytes of UTF-8) with no control "
        + "or bidirectional-override characters"

    /// The trimmed name, or nil when it breaks the rule.
    package static func validated(_ text: String) -> String? {
        let trimmed = text.trimmingWhiteSpace
        guard !trimmed.isEmpty, trimmed.unicodeScalars.count <= maximumScalars, trimmed.utf8.count <= maximumBytes,
            !trimmed.unicodeScalars.contains(where: isForbidden)
        else { return nil }
        return trimmed
    }

    package static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true  // C0, DEL, C1 (general category Cc)
        case 0x2028, 0x2029: return true  // line and paragraph separators
        case 0x202A...0x202E, 0x2066...0x2069: return true  // bidi embeddings, overrides, isolates
        default: return false
        }
    }

    /// A stored name as a terminal may show it: every forbidden scalar written as `\u{XXXX}`, so
    /// names recorded before the rule existed cannot move the cursor or recolour the screen.
    package static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if isForbidden(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    /// Without white space (Unicode's White_Space property, newlines included) at either end.
    fileprivate var trimmingWhiteSpace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
