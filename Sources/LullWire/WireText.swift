// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Text forms shared by every printed line.
package enum WireText {
    /// Session time as people read it: "12:05" (minutes, seconds), never negative.
    package static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
