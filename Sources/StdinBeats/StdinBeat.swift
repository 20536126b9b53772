// SPDX-License-Identifier: Apache-2.0
import Foundation
import HRVCore

/// One line of `lull session --source stdin`: "812.5" or {"rr_ms": 812.5}, blank lines and '#'
/// comments skipped.
public enum StdinBeat: Equatable, Sendable {
    /// Blank or a comment.
    case skip
    /// An RR interval within `RRBounds.liveMilliseconds`.
    case beat(milliseconds: Double)
    /// A finite number outside `RRBounds.liveMilliseconds` (1e300, 0, -5): an artifact, so that a
    /// bad value from the producer neither stops the music nor moves the session clock by its value.
    case outOfRange(milliseconds: Double)
    /// Not a number (nor infinite, nor NaN): the producer speaks another protocol; an error.
    case invalid

    public init(line: String) {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text.hasPrefix("#") {
            self = .skip
            return
        }
        guard let value = Self.number(text), value.isFinite else {
            self = .invalid
            return
        }
        self = RRBounds.liveMilliseconds.contains(value) ? .beat(milliseconds: value) : .outOfRange(milliseconds: value)
    }

    /// "812.5" or {"rr_ms": 812.5}.
    static func number(_ text: String) -> Double? {
        if let v = Double(text) { return v }
        guard text.hasPrefix("{"),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let v = object["rr_ms"] as? Double
        else { return nil }
        return v
    }
}
