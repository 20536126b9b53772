// SPDX-License-Identifier: Apache-2.0

/// A small multiset kept sorted, for rolling medians and quartiles over a few dozen beats.
/// Insert and remove are a binary search plus a short move, O(log n + n) with n ≤ 91.
struct SortedWindow: Sendable {
    private(set) var values: [Double] = []

    init(capacity: Int) { values.reserveCapacity(capacity) }

    var count: Int { values.count }

    mutating func insert(_ x: Double) {
        values.insert(x, at: lowerBound(x))
    }

    mutating func remove(_ x: Double) {
        let i = lowerBound(x)
        if i < values.count && (values[i] == x || (values[i].isNaN && x.isNaN)) { values.remove(at: i) }
    }

    /// The p-quantile with linear interpolation between order statistics (pandas `rolling.quantile`,
    /// numpy's default), NaN when empty.
    func quantile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let position = Double(values.count - 1) * p
        let lower = Int(position)
        let fraction = position - Double(lower)
        if lower + 1 >= values.count { return values[lower] }
        return values[lower] + (values[lower + 1] - values[lower]) * fraction
    }

    private func lowerBound(_ x: Double) -> Int {
        var lo = 0
        var hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
