// SPDX-License-Identifier: Apache-2.0

/// Interpolates RR values placed at their beat times onto a uniform grid with the quadratic
/// B-spline SciPy's `interp1d(kind="quadratic")` builds, so Lull's spectra match NeuroKit2's
/// `intervals_process` (which calls it) to rounding error.
///
/// SciPy `make_interp_spline(x, y, k=2)` uses the "not-a-knot"-like knot vector of `_not_a_knot`:
/// x₀ three times, the midpoints (x[i] + x[i+1])/2 for i = 1 … n-3, x[n-1] three times. With
/// those knots the collocation matrix is tridiagonal (rows 0 and n-1 are unit rows), so the
/// coefficients come from one Thomas sweep, O(n).
struct QuadraticSpline: Sendable {
    /// Knots (n + 3), then the lower, main and upper diagonals, the coefficients and the two
    /// reciprocal span products of each knot interval (`spans`) (n each).
    private var workspace: [Double] = []
    /// Per grid point, how many knots it is the first point at or past (`evaluate`).
    private var starts: [Int32] = []

    init() {}

    /// Writes the spline through (`x`, `y`) evaluated at `grid` into `output`.
    /// `x` must be strictly increasing with at least 3 points.
    mutating func interpolate(
        x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, grid: UniformGrid,
        output: UnsafeMutableBufferPointer<Double>
    ) {
        let n = x.count
        precondition(n >= 3 && y.count == n && output.count >= grid.count)
        if workspace.count < 7 * n + 3 { workspace = [Double](repeating: 0, count: 7 * n + 3) }
        if starts.count < grid.count + 1 { starts = [Int32](repeating: 0, count: grid.count + 1) }
        workspace.withUnsafeMutableBufferPointer { w in
            starts.withUnsafeMutableBufferPointer { s in
                let t = w.baseAddress!
                let lower = t + (n + 3)
                let diagonal = lower + n
                let upper = diagonal + n
                let c = upper + n
                let left = c + n
                let right = left + n
                Self.solve(x.baseAddress!, y.baseAddress!, n, t, lower, diagonal, upper, c, left, right)
                // The solve's diagonals are free again: they hold the intervals' quadratic coefficients.
                Self.evaluate(
                    x.baseAddress!, y.baseAddress!, n, t, c, left, right, lower, upper, s.baseAddress!, grid,
                    output.baseAddress!)
            }
        }
    }

    /// Knots t[0 ..< n+3] and the coefficients c[0 ..< n] of the interpolating spline.
    private static func solve(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int, _ t: UnsafeMutablePointer<Double>,
        _ lower: UnsafeMutablePointer<Double>, _ diagonal: UnsafeMutablePointer<Double>,
        _ upper: UnsafeMutablePointer<Double>, _ c: UnsafeMutablePointer<Double>,
        _ left: UnsafeMutablePointer<Double>, _ right: UnsafeMutablePointer<Double>
    ) {
        t[0] = x[0]
        t[1] = x[0]
        t[2] = x[0]
        var k = 3
        while k < n {
            t[k] = (x[k - 2] + x[k - 1]) / 2
            k += 1
        }
        t[n] = x[n - 1]
        t[n + 1] = x[n - 1]
        t[n + 2] = x[n - 1]
        // Collocation: row i holds B_{l-2}, B_{l-1}, B_l at x[i], l = i + 1 its knot interval, so
        // the matrix is tridiagonal (rows 0 and n-1 are unit rows). The rows are built first (no
        // dependence between them), then eliminated without pivoting. B-spline
        // collocation matrices are totally positive (de Boor 1978, "A Practical Guide to Splines",
        // XIII), so elimination without pivoting is stable.
        // Row i lies in interval i + 1, so the rows visit every interval 2 … n-1 the evaluation
        // uses: their span products are kept for it.
        for i in 1..<(n - 1) {
            (left[i + 1], right[i + 1]) = spans(t, i + 1)
            (lower[i], diagonal[i], upper[i]) = basis(t, i + 1, x[i], left[i + 1], right[i + 1])
        }
        diagonal[0] = 1
        upper[0] = 0
        lower[n - 1] = 0
        diagonal[n - 1] = 1
        // Twisted elimination (Meurant 1992, "A review on the inverse of symmetric tridiagonal and
        // block tridiagonal matrices", SIAM J Matrix Anal Appl 13(3):707): rows above the middle row m are eliminated top-down and
        // rows below it bottom-up, two independent chains of divisions that the processor overlaps,
        // then m is solved from both and the back substitution runs outwards, again two chains.
        // `diagonal` keeps reciprocal pivots, `c` the eliminated right-hand sides.
        let m = (n - 1) / 2
        c[0] = y[0]
        c[n - 1] = y[n - 1]
        var top = 1
        var bottom = n - 2
        while top < m || bottom > m {
            if top < m {
                let factor = lower[top] * diagonal[top - 1]
                diagonal[top] = 1 / (diagonal[top] - factor * upper[top - 1])
                c[top] = y[top] - factor * c[top - 1]
                top += 1
            }
            if bottom > m {
                let factor = upper[bottom] * diagonal[bottom + 1]
                diagonal[bottom] = 1 / (diagonal[bottom] - factor * lower[bottom + 1])
                c[bottom] = y[bottom] - factor * c[bottom + 1]
                bottom -= 1
            }
        }
        let fromAbove = lower[m] * diagonal[m - 1]
        let fromBelow = upper[m] * diagonal[m + 1]
        c[m] =
            (y[m] - fromAbove * c[m - 1] - fromBelow * c[m + 1])
            / (diagonal[m] - fromAbove * upper[m - 1] - fromBelow * lower[m + 1])
        top = m - 1
        bottom = m + 1
        while top >= 0 || bottom < n {
            if top >= 0 {
                c[top] = (c[top] - upper[top] * c[top + 1]) * diagonal[top]
                top -= 1
            }
            if bottom < n {
                c[bottom] = (c[bottom] - lower[bottom] * c[bottom - 1]) * diagonal[bottom]
                bottom += 1
            }
        }
    }

    /// The three nonzero degree-2 B-splines B_{l-2}, B_{l-1}, B_l at `x` in knot interval `l`
    /// (t[l] ≤ x < t[l+1]), in closed form (de Boor 1978, IX): with h = t[l+1] - t[l],
    /// B_{l-2} = (t[l+1] - x)² / ((t[l+1] - t[l-1]) h), B_l = (x - t[l])² / ((t[l+2] - t[l]) h),
    /// and B_{l-1} = 1 - B_{l-2} - B_l (the B-splines sum to one); `left` and `right` are the
    /// interval's `spans`.
    @inline(__always)
    private static func basis(
        _ t: UnsafePointer<Double>, _ l: Int, _ x: Double, _ left: Double, _ right: Double
    ) -> (Double, Double, Double) {
        let v = t[l + 1] - x
        let u = x - t[l]
        let b0 = v * v * left
        let b2 = u * u * right
        return (b0, 1 - b0 - b2, b2)
    }

    /// 1/((t[l+1] - t[l-1]) h) and 1/((t[l+2] - t[l]) h) for a non-empty interval l.
    @inline(__always)
    private static func spans(_ t: UnsafePointer<Double>, _ l: Int) -> (Double, Double) {
        let h = t[l + 1] - t[l]
        return (1 / ((t[l + 1] - t[l - 1]) * h), 1 / ((t[l + 2] - t[l]) * h))
    }

    /// s(g) on every grid point: on knot interval l the spline is
    /// c[l-1] + (c[l-2] - c[l-1]) B_{l-2} + (c[l] - c[l-1]) B_l, a quadratic with three numbers per
    /// interval. Grid points beyond the last beat take the last RR value, as NeuroKit2's
    /// `signal_interpolate` asks `interp1d` to (`fill_value`); those before the first, the first.
    ///
    /// The interval of each point is found without a branch per point: each knot first counts
    /// itself at the first grid point at or past it (`starts`), and a running sum of those counts
    /// walks l along the grid. Walking the intervals one by one instead, the loop over a
    /// interval's 3 or 4 points ended at an unpredictable count and the mispredicted branches cost
    /// more than the arithmetic.
    private static func evaluate(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int, _ t: UnsafePointer<Double>,
        _ c: UnsafePointer<Double>, _ leftSpans: UnsafePointer<Double>, _ rightSpans: UnsafePointer<Double>,
        _ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>,
        _ starts: UnsafeMutablePointer<Int32>, _ g: UniformGrid, _ out: UnsafeMutablePointer<Double>
    ) {
        let count = g.count
        // Intervals l = 2 … n-1 cover [x₀, x_{n-1}] (the last one closed): points from `jFirst`
        // (the first at or past x₀) up to `jEnd` (the first past x_{n-1}).
        let jFirst = g.firstIndex(atOrAbove: x[0])
        let jEnd = max(jFirst, g.firstIndex(above: x[n - 1]))
        starts.update(repeating: 0, count: count + 1)
        var l = 2
        while l < n {
            let middle = c[l - 1]
            a[l] = (c[l - 2] - middle) * leftSpans[l]
            b[l] = (c[l] - middle) * rightSpans[l]
            // Interval l begins at knot t[l] (l ≥ 3); from the first point at or past it.
            if l >= 3 { starts[min(max(g.firstIndex(atOrAbove: t[l]), jFirst), jEnd)] += 1 }
            l += 1
        }
        var j = 0
        while j < jFirst {
            out[j] = y[0]
            j += 1
        }
        l = 2
        var index = Double(g.firstIndex + jFirst)
        while j < jEnd {
            l &+= Int(starts[j])
            let gj = g.start + index * g.step
            let v = t[l + 1] - gj
            let u = gj - t[l]
            out[j] = c[l - 1] + a[l] * (v * v) + b[l] * (u * u)
            j += 1
            index += 1
        }
        while j < count {
            out[j] = y[n - 1]
            j += 1
        }
    }
}

/// `count` points `start + (firstIndex + i)·step` (numpy.arange's values when `firstIndex` is 0),
/// computed where they are used.
struct UniformGrid {
    var start: Double
    var step: Double
    var count: Int
    var firstIndex: Int
    /// 1 / step, for estimates that the exact comparisons then correct.
    private var reciprocalStep: Double

    init(start: Double, step: Double, count: Int, firstIndex: Int = 0) {
        self.start = start
        self.step = step
        self.count = count
        self.firstIndex = firstIndex
        reciprocalStep = 1 / step
    }

    @inline(__always) subscript(_ i: Int) -> Double { start + Double(firstIndex + i) * step }

    /// The first i in 0 … count with self[i] ≥ `value` (count when none): an estimate from the
    /// step, then the exact comparisons (which move it at most a point or two).
    @inline(__always) func firstIndex(atOrAbove value: Double) -> Int {
        var i = estimate(value)
        while i > 0 && self[i - 1] >= value { i -= 1 }
        while i < count && self[i] < value { i += 1 }
        return i
    }

    /// The first i in 0 … count with self[i] > `value` (count when none).
    @inline(__always) func firstIndex(above value: Double) -> Int {
        var i = estimate(value)
        while i > 0 && self[i - 1] > value { i -= 1 }
        while i < count && self[i] <= value { i += 1 }
        return i
    }

    @inline(__always) private func estimate(_ value: Double) -> Int {
        let position = ((value - start) * reciprocalStep).rounded(.up) - Double(firstIndex)
        return position <= 0 ? 0 : position >= Double(count) ? count : Int(position)
    }
}
