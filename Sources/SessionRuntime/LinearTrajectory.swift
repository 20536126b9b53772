// SPDX-License-Identifier: Apache-2.0

/// `A` or `A:B` on the command line (`lull render --tempo`, `--tension`): a value moving linearly
/// from A to B over the piece.
package struct LinearTrajectory: Sendable, Equatable {
    package var start: Double
    package var end: Double

    /// A value that stays put.
    package static func constant(_ value: Double) -> LinearTrajectory { LinearTrajectory(start: value, end: value) }

    package func value(at fraction: Double) -> Double { start + (end - start) * fraction }
}

extension LinearTrajectory {
    /// `A` (constant) or `A:B`, both finite numbers; nil otherwise.
    package init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let a = Double(parts[0]), a.isFinite else { return nil }
        guard let b = parts.count == 2 ? Double(parts[1]) : a, b.isFinite else { return nil }
        start = a
        end = b
    }
}
