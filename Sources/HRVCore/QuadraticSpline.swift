// SPDX-License-Identifier: Apache-2.0

/// Interpolates RR values placed at their beat times onto a uniform grid with the quadratic
/// B-spline SciPy's `interp1d(kind="quadratic")` builds, so Lull's spectra match NeuroKit2's
/// `intervals_process` (which calls it) to rounding error.
///
/// SciPy `make_interp_spline(x, y, k=2)` uses the "not-a-knot"-like knot vector of `_not_a_knot`:
/// x₀ three times, the midpoints (x[i] + x[i+1])/2 for i = 1 … n-3, x[n-1] three times. With
/// those knots the collocation matrix is tridiagonal (rows 0 and n-1 are unit rows), so the
/// coefficients come from one Thomas sweep, O(n). Grid points beyond the last beat take the last
/// RR value, as NeuroKit2's `signal_interpolate` asks `interp1d` to (`fill_value`).
struct QuadraticSpline: Sendable {
    private var knots: [Double] = []
    private var coefficients: [Double] = []
    private var lower: [Double] = []
    private var diagonal: [Double] = []
    private var upper: [Double] = []

    init() {}

    /// Writes the spline through (`x`, `y`) evaluated at `grid` into `output`.
    /// `x` must be strictly increasing with at least 3 points; `grid` ascending.
    mutating func interpolate(
        x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, grid: UnsafeBufferPointer<Double>,
        output: UnsafeMutableBufferPointer<Double>
    ) {
        let n = x.count
        precondition(n >= 3 && y.count == n && output.count >= grid.count)
        // Knots t[0 ..< n+3].
        knots.removeAll(keepingCapacity: true)
        knots.append(x[0]); knots.append(x[0]); knots.append(x[0])
        if n > 3 {
            for i in 1...(n - 3) { knots.append((x[i] + x[i + 1]) / 2) }
        }
        knots.append(x[n - 1]); knots.append(x[n - 1]); knots.append(x[n - 1])

        // Collocation: row i holds B_{l-2}, B_{l-1}, B_l at x[i], l its knot interval.
        // Rows 1 … n-2 have l = i + 1, so the nonzero columns are i-1, i, i+1.
        lower.removeAll(keepingCapacity: true)
        diagonal.removeAll(keepingCapacity: true)
        upper.removeAll(keepingCapacity: true)
        coefficients.removeAll(keepingCapacity: true)
        lower.append(0); diagonal.append(1); upper.append(0); coefficients.append(y[0])
        for i in 1..<(n - 1) {
            let l = i + 1
            let b = knots.withUnsafeBufferPointer { t in
                Self.basis(t.baseAddress!, l, x[i], Self.inverseSpans(t.baseAddress!, l))
            }
            lower.append(b.0); diagonal.append(b.1); upper.append(b.2); coefficients.append(y[i])
        }
        lower.append(0); diagonal.append(1); upper.append(0); coefficients.append(y[n - 1])
        // Thomas algorithm. B-spline collocation matrices are totally positive (de Boor 1978,
        // "A Practical Guide to Splines", XIII), so elimination without pivoting is stable.
        for i in 1..<n {
            let w = lower[i] / diagonal[i - 1]
            diagonal[i] -= w * upper[i - 1]
            coefficients[i] -= w * coefficients[i - 1]
        }
        coefficients[n - 1] /= diagonal[n - 1]
        for i in stride(from: n - 2, through: 0, by: -1) {
            coefficients[i] = (coefficients[i] - upper[i] * coefficients[i + 1]) / diagonal[i]
        }

        let last = x[n - 1]
        let yLast = y[n - 1]
        let first = x[0]
        knots.withUnsafeBufferPointer { tb in
            coefficients.withUnsafeBufferPointer { cb in
                let t = tb.baseAddress!
                let c = cb.baseAddress!
                let out = output.baseAddress!
                var l = 2
                // Reciprocals of the knot spans of interval l, recomputed only when l changes:
                // there are ~4 grid points per interval, and divisions dominate otherwise.
                var inverse = Self.inverseSpans(t, l)
                for j in 0..<grid.count {
                    let g = grid[j]
                    if g > last || g < first {
                        out[j] = g > last ? yLast : y[0]
                        continue
                    }
                    // Interval l with t[l] <= g < t[l+1], l in 2 ... n-1 (the last one closed).
                    if l < n - 1 && g >= t[l + 1] {
                        repeat { l += 1 } while l < n - 1 && g >= t[l + 1]
                        inverse = Self.inverseSpans(t, l)
                    }
                    let b = Self.basis(t, l, g, inverse)
                    out[j] = b.0 * c[l - 2] + b.1 * c[l - 1] + b.2 * c[l]
                }
            }
        }
    }

    /// 1/(t[l+1]-t[l]), 1/(t[l+1]-t[l-1]), 1/(t[l+2]-t[l]), zero where a span is empty.
    @inline(__always)
    private static func inverseSpans(_ t: UnsafePointer<Double>, _ l: Int) -> (Double, Double, Double) {
        let d1 = t[l + 1] - t[l]
        let dA = t[l + 1] - t[l - 1]
        let dB = t[l + 2] - t[l]
        return (d1 > 0 ? 1 / d1 : 0, dA > 0 ? 1 / dA : 0, dB > 0 ? 1 / dB : 0)
    }

    /// The three nonzero degree-2 B-splines B_{l-2}, B_{l-1}, B_l at `x` in knot interval `l`
    /// (Cox-de Boor recursion, de Boor 1978, X), given the interval's `inverseSpans`.
    @inline(__always)
    private static func basis(
        _ t: UnsafePointer<Double>, _ l: Int, _ x: Double, _ inverse: (Double, Double, Double)
    ) -> (Double, Double, Double) {
        let a1 = (x - t[l]) * inverse.0  // degree 1 on [t[l], t[l+1]): B_{l-1,1} = 1 - a1, B_{l,1} = a1
        let left = (1 - a1) * inverse.1
        let right = a1 * inverse.2
        return ((t[l + 1] - x) * left, (x - t[l - 1]) * left + (t[l + 2] - x) * right, (x - t[l]) * right)
    }
}
