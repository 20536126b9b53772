// SPDX-License-Identifier: Apache-2.0

/// The minimum strength of `kiosk.therapist_code`, checked by `lull config check` and the daemon.
///
/// 10 to 256 characters (Unicode scalars) with no control characters and no white space at either
/// end, at least 5 different characters, and not a run of neighbours such as `0123456789`,
/// `9876543210` or `abcdefghij`. With the daemon's limit on attempts (about 83 hours for 10,000
/// wrong codes), even a code of ten digits from a pattern the rule misses is out of reach.
public enum TherapistCode {
    public static let rule =
        "10 to 256 characters, no control characters or white space at either end, at least 5 different "
        + "characters, not a run like abcdefghij or 9876543210"

    public static func isStrong(_ code: String) -> Bool {
        let scalars = Array(code.unicodeScalars)
        guard (10...256).contains(scalars.count), !scalars.contains(where: { $0.properties.generalCategory == .control }),
            let first = scalars.first, let last = scalars.last,
            !first.properties.isWhitespace, !last.properties.isWhitespace,
            Set(scalars).count >= 5
        else { return false }
        return !isRun(scalars)
    }

    /// Every step +1 (or every step −1), the digits wrapping from 9 to 0 and back.
    private static func isRun(_ scalars: [Unicode.Scalar]) -> Bool {
        func step(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Int {
            if a == "9" && b == "0" { return 1 }
            if a == "0" && b == "9" { return -1 }
            return Int(b.value) - Int(a.value)
        }
        let steps = zip(scalars, scalars.dropFirst()).map(step)
        return steps.allSatisfy { $0 == 1 } || steps.allSatisfy { $0 == -1 }
    }
}
