// SPDX-License-Identifier: Apache-2.0

/// A running sum that stays exact to rounding error under millions of additions and removals.
///
/// Sliding windows add each value once and remove it once; a plain `Double` accumulator drifts by
/// about one ulp per operation, which over a 24-hour recording (10^5 beats) is visible against a
/// batch computation. Neumaier's variant of Kahan summation (Neumaier 1974, ZAMM 54:39-51) carries
/// the lost low-order bits in `compensation`, so the window metrics equal the batch ones to
/// floating-point error on every prefix.
@usableFromInline
struct CompensatedSum: Sendable {
    @usableFromInline var sum: Double = 0
    @usableFromInline var compensation: Double = 0

    @inlinable init() {}

    @inlinable mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) {
            compensation += (sum - t) + x
        } else {
            compensation += (x - t) + sum
        }
        sum = t
    }

    @inlinable var value: Double { sum + compensation }
}
