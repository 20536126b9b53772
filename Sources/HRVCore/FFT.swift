// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An in-place complex FFT on split real/imaginary buffers for power-of-two sizes, with its
/// twiddles and bit-reversal table computed once per size.
///
/// Iterative decimation in time (Cooley & Tukey 1965): bit-reversal permutation, one radix-2 stage
/// when log₂N is odd, then radix-4 stages, whose butterflies need three twiddle multiplications for
/// four outputs instead of four (Gentleman & Sande 1966). Twiddles are stored per stage, contiguous,
/// so the inner loop walks memory in order. Arbitrary-length DFTs go through `ChirpZ`.
struct FFT: Sendable {
    let size: Int
    /// For each radix-4 stage (span L), W^j, W^2j, W^3j for j < L/4 with W = e^{-2πi/L}, stored as
    /// six runs of L/4 values (cos W^j, sin W^j, cos W^2j, …) so four butterflies load as one vector.
    private let twiddles: [Double]
    private let bitReversed: [Int32]
    private let oddStage: Bool

    init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0, "FFT size must be a power of two, at least 4")
        self.size = size
        let log2Size = size.trailingZeroBitCount
        oddStage = log2Size % 2 == 1
        var t: [Double] = []
        var span = oddStage ? 8 : 4
        while span <= size {
            let quarter = span / 4
            for m in 1...3 {
                for j in 0..<quarter { t.append(cos(-2 * Double.pi * Double(m * j) / Double(span))) }
                for j in 0..<quarter { t.append(sin(-2 * Double.pi * Double(m * j) / Double(span))) }
            }
            span *= 4
        }
        twiddles = t
        var r = [Int32](repeating: 0, count: size)
        for i in 0..<size {
            var x = i
            var y = 0
            for _ in 0..<log2Size {
                y = (y << 1) | (x & 1)
                x >>= 1
            }
            r[i] = Int32(y)
        }
        bitReversed = r
    }

    /// Forward transform, X[k] = Σ x[n] e^{-2πikn/N}.
    func forward(real: UnsafeMutableBufferPointer<Double>, imaginary: UnsafeMutableBufferPointer<Double>) {
        precondition(real.count >= size && imaginary.count >= size)
        transform(real.baseAddress!, imaginary.baseAddress!)
    }

    /// Inverse transform without the 1/N factor (a forward transform with real and imaginary swapped).
    func inverseUnscaled(real: UnsafeMutableBufferPointer<Double>, imaginary: UnsafeMutableBufferPointer<Double>) {
        precondition(real.count >= size && imaginary.count >= size)
        transform(imaginary.baseAddress!, real.baseAddress!)
    }

    /// Forward transform of natural-order input, leaving X in bit-reversed order (decimation in
    /// frequency: the transposed stages in reverse order, so no permutation pass). For fast
    /// convolution, where the product of two spectra does not care about their order.
    func forwardToBitReversed(real: UnsafeMutablePointer<Double>, imaginary: UnsafeMutablePointer<Double>) {
        stagesDIF(real, imaginary)
    }

    /// Inverse transform without the 1/N factor of bit-reversed input (as `forwardToBitReversed`
    /// leaves it), giving natural order.
    func inverseUnscaledFromBitReversed(real: UnsafeMutablePointer<Double>, imaginary: UnsafeMutablePointer<Double>) {
        stagesDIT(imaginary, real)
    }

    private func transform(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>) {
        let n = size
        bitReversed.withUnsafeBufferPointer { rev in
            for i in 0..<n {
                let j = Int(rev[i])
                if j > i {
                    swap(&re[i], &re[j])
                    swap(&im[i], &im[j])
                }
            }
        }
        stagesDIT(re, im)
    }

    /// The butterfly stages of decimation in time, on bit-reversed input.
    private func stagesDIT(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>) {
        let n = size
        var span = 4
        if oddStage {
            var i = 0
            while i < n {
                let ar = re[i], ai = im[i], br = re[i + 1], bi = im[i + 1]
                re[i] = ar + br
                im[i] = ai + bi
                re[i + 1] = ar - br
                im[i + 1] = ai - bi
                i += 2
            }
            span = 8
        }
        // With an odd stage first, the first radix-4 stage combines length-2 transforms: its span is
        // 8 and its "quarter" is 2. Without it, it combines length-1 transforms with span 4.
        twiddles.withUnsafeBufferPointer { tw in
            var offset = 0
            while span <= n {
                let quarter = span / 4
                let c1 = tw.baseAddress! + offset
                let s1 = c1 + quarter
                let c2 = s1 + quarter
                let s2 = c2 + quarter
                let c3 = s2 + quarter
                let s3 = c3 + quarter
                var start = 0
                while start < n {
                    if quarter >= 4 {
                        var j = 0
                        while j < quarter {
                            Self.butterflies4(re, im, start &+ j, quarter, j, c1, s1, c2, s2, c3, s3)
                            j &+= 4
                        }
                    } else if quarter == 1 {
                        Self.butterflyUntwiddled(re, im, start)
                    } else {
                        for j in 0..<quarter {
                            Self.butterfly(re, im, start &+ j, quarter, c1[j], s1[j], c2[j], s2[j], c3[j], s3[j])
                        }
                    }
                    start &+= span
                }
                offset &+= 6 &* quarter
                span &*= 4
            }
        }
    }

    /// The transposed stages of `stagesDIT` in reverse order: the DFT matrix is symmetric, so
    /// F = (S_m ⋯ S_1 R)ᵀ = R S_1ᵀ ⋯ S_mᵀ, and applying S_mᵀ first leaves F·x bit-reversed.
    private func stagesDIF(_ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>) {
        let n = size
        twiddles.withUnsafeBufferPointer { tw in
            var offset = tw.count
            var span = n
            let smallest = oddStage ? 8 : 4
            while span >= smallest {
                let quarter = span / 4
                offset &-= 6 &* quarter
                let c1 = tw.baseAddress! + offset
                let s1 = c1 + quarter
                let c2 = s1 + quarter
                let s2 = c2 + quarter
                let c3 = s2 + quarter
                let s3 = c3 + quarter
                var start = 0
                while start < n {
                    if quarter >= 4 {
                        var j = 0
                        while j < quarter {
                            Self.transposedButterflies4(re, im, start &+ j, quarter, j, c1, s1, c2, s2, c3, s3)
                            j &+= 4
                        }
                    } else if quarter == 1 {
                        Self.transposedButterflyUntwiddled(re, im, start)
                    } else {
                        for j in 0..<quarter {
                            Self.transposedButterfly(re, im, start &+ j, quarter, c1[j], s1[j], c2[j], s2[j], c3[j], s3[j])
                        }
                    }
                    start &+= span
                }
                span /= 4
            }
        }
        if oddStage {
            var i = 0
            while i < n {
                let ar = re[i], ai = im[i], br = re[i + 1], bi = im[i + 1]
                re[i] = ar + br
                im[i] = ai + bi
                re[i + 1] = ar - br
                im[i + 1] = ai - bi
                i += 2
            }
        }
    }

    /// The radix-4 butterfly of span 4, whose twiddles are all 1.
    @inline(__always)
    private static func butterflyUntwiddled(
        _ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, _ i0: Int
    ) {
        let x0r = re[i0], x0i = im[i0], x2r = re[i0 &+ 1], x2i = im[i0 &+ 1]
        let x1r = re[i0 &+ 2], x1i = im[i0 &+ 2], x3r = re[i0 &+ 3], x3i = im[i0 &+ 3]
        let ar = x0r + x2r, ai = x0i + x2i
        let br = x0r - x2r, bi = x0i - x2i
        let cr = x1r + x3r, ci = x1i + x3i
        let dr = x1r - x3r, di = x1i - x3i
        re[i0] = ar + cr
        im[i0] = ai + ci
        re[i0 &+ 2] = ar - cr
        im[i0 &+ 2] = ai - ci
        re[i0 &+ 1] = br + di
        im[i0 &+ 1] = bi - dr
        re[i0 &+ 3] = br - di
        im[i0 &+ 3] = bi + dr
    }

    /// The transpose of `butterflyUntwiddled`.
    @inline(__always)
    private static func transposedButterflyUntwiddled(
        _ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, _ i0: Int
    ) {
        let v0r = re[i0], v0i = im[i0], v1r = re[i0 &+ 1], v1i = im[i0 &+ 1]
        let v2r = re[i0 &+ 2], v2i = im[i0 &+ 2], v3r = re[i0 &+ 3], v3i = im[i0 &+ 3]
        let pr = v0r + v2r, pi = v0i + v2i
        let qr = v0r - v2r, qi = v0i - v2i
        let rr = v1r + v3r, ri = v1i + v3i
        let sr = v1r - v3r, si = v1i - v3i
        re[i0] = pr + rr
        im[i0] = pi + ri
        re[i0 &+ 1] = pr - rr
        im[i0 &+ 1] = pi - ri
        re[i0 &+ 2] = qr + si
        im[i0 &+ 2] = qi - sr
        re[i0 &+ 3] = qr - si
        im[i0 &+ 3] = qi + sr
    }

    /// The transpose of `butterfly`: sums first, then the twiddles on the outputs.
    @inline(__always)
    private static func transposedButterfly(
        _ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, _ i0: Int, _ q: Int,
        _ c1: Double, _ s1: Double, _ c2: Double, _ s2: Double, _ c3: Double, _ s3: Double
    ) {
        let i1 = i0 &+ q, i2 = i1 &+ q, i3 = i2 &+ q
        let v0r = re[i0], v0i = im[i0], v1r = re[i1], v1i = im[i1]
        let v2r = re[i2], v2i = im[i2], v3r = re[i3], v3i = im[i3]
        let pr = v0r + v2r, pi = v0i + v2i
        let qr = v0r - v2r, qi = v0i - v2i
        let rr = v1r + v3r, ri = v1i + v3i
        let sr = v1r - v3r, si = v1i - v3i
        re[i0] = pr + rr
        im[i0] = pi + ri
        let o1r = pr - rr, o1i = pi - ri
        let o2r = qr + si, o2i = qi - sr  // q - i·s
        let o3r = qr - si, o3i = qi + sr  // q + i·s
        re[i1] = o1r * c2 - o1i * s2
        im[i1] = o1r * s2 + o1i * c2
        re[i2] = o2r * c1 - o2i * s1
        im[i2] = o2r * s1 + o2i * c1
        re[i3] = o3r * c3 - o3i * s3
        im[i3] = o3r * s3 + o3i * c3
    }

    /// Four neighbouring transposed butterflies at once on SIMD4 lanes.
    @inline(__always)
    private static func transposedButterflies4(
        _ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, _ i0: Int, _ q: Int, _ j: Int,
        _ c1p: UnsafePointer<Double>, _ s1p: UnsafePointer<Double>, _ c2p: UnsafePointer<Double>,
        _ s2p: UnsafePointer<Double>, _ c3p: UnsafePointer<Double>, _ s3p: UnsafePointer<Double>
    ) {
        typealias V = SIMD4<Double>
        @inline(__always) func load(_ p: UnsafePointer<Double>, _ i: Int) -> V {
            UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
        }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Double>, _ i: Int) {
            UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: V.self)
        }
        let i1 = i0 &+ q, i2 = i1 &+ q, i3 = i2 &+ q
        let v0r = load(re, i0), v0i = load(im, i0), v1r = load(re, i1), v1i = load(im, i1)
        let v2r = load(re, i2), v2i = load(im, i2), v3r = load(re, i3), v3i = load(im, i3)
        let pr = v0r + v2r, pi = v0i + v2i
        let qr = v0r - v2r, qi = v0i - v2i
        let rr = v1r + v3r, ri = v1i + v3i
        let sr = v1r - v3r, si = v1i - v3i
        store(pr + rr, re, i0)
        store(pi + ri, im, i0)
        let o1r = pr - rr, o1i = pi - ri
        let o2r = qr + si, o2i = qi - sr
        let o3r = qr - si, o3i = qi + sr
        let c1 = load(c1p, j), s1 = load(s1p, j), c2 = load(c2p, j), s2 = load(s2p, j)
        let c3 = load(c3p, j), s3 = load(s3p, j)
        store(o1r * c2 - o1i * s2, re, i1)
        store(o1r * s2 + o1i * c2, im, i1)
        store(o2r * c1 - o2i * s1, re, i2)
        store(o2r * s1 + o2i * c1, im, i2)
        store(o3r * c3 - o3i * s3, re, i3)
        store(o3r * s3 + o3i * c3, im, i3)
    }

    /// One radix-4 butterfly on x[i0], x[i0+q], x[i0+2q], x[i0+3q] (bit-reversed order: the
    /// blocks hold the sub-transforms of residues 0, 2, 1, 3).
    @inline(__always)
    private static func butterfly(
        _ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, _ i0: Int, _ q: Int,
        _ c1: Double, _ s1: Double, _ c2: Double, _ s2: Double, _ c3: Double, _ s3: Double
    ) {
        let i1 = i0 &+ q, i2 = i1 &+ q, i3 = i2 &+ q
        let x0r = re[i0], x0i = im[i0]
        let x2r = re[i1] * c2 - im[i1] * s2, x2i = re[i1] * s2 + im[i1] * c2
        let x1r = re[i2] * c1 - im[i2] * s1, x1i = re[i2] * s1 + im[i2] * c1
        let x3r = re[i3] * c3 - im[i3] * s3, x3i = re[i3] * s3 + im[i3] * c3
        let ar = x0r + x2r, ai = x0i + x2i
        let br = x0r - x2r, bi = x0i - x2i
        let cr = x1r + x3r, ci = x1i + x3i
        let dr = x1r - x3r, di = x1i - x3i
        re[i0] = ar + cr
        im[i0] = ai + ci
        re[i2] = ar - cr
        im[i2] = ai - ci
        // b - i·d and b + i·d
        re[i1] = br + di
        im[i1] = bi - dr
        re[i3] = br - di
        im[i3] = bi + dr
    }

    /// Four neighbouring butterflies (j … j+3) at once, the same arithmetic on SIMD4 lanes.
    @inline(__always)
    private static func butterflies4(
        _ re: UnsafeMutablePointer<Double>, _ im: UnsafeMutablePointer<Double>, _ i0: Int, _ q: Int, _ j: Int,
        _ c1p: UnsafePointer<Double>, _ s1p: UnsafePointer<Double>, _ c2p: UnsafePointer<Double>,
        _ s2p: UnsafePointer<Double>, _ c3p: UnsafePointer<Double>, _ s3p: UnsafePointer<Double>
    ) {
        typealias V = SIMD4<Double>
        @inline(__always) func load(_ p: UnsafePointer<Double>, _ i: Int) -> V {
            UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
        }
        @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Double>, _ i: Int) {
            UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: V.self)
        }
        let i1 = i0 &+ q, i2 = i1 &+ q, i3 = i2 &+ q
        let c1 = load(c1p, j), s1 = load(s1p, j), c2 = load(c2p, j), s2 = load(s2p, j)
        let c3 = load(c3p, j), s3 = load(s3p, j)
        let x0r = load(re, i0), x0i = load(im, i0)
        let y2r = load(re, i1), y2i = load(im, i1)
        let y1r = load(re, i2), y1i = load(im, i2)
        let y3r = load(re, i3), y3i = load(im, i3)
        let x2r = y2r * c2 - y2i * s2, x2i = y2r * s2 + y2i * c2
        let x1r = y1r * c1 - y1i * s1, x1i = y1r * s1 + y1i * c1
        let x3r = y3r * c3 - y3i * s3, x3i = y3r * s3 + y3i * c3
        let ar = x0r + x2r, ai = x0i + x2i
        let br = x0r - x2r, bi = x0i - x2i
        let cr = x1r + x3r, ci = x1i + x3i
        let dr = x1r - x3r, di = x1i - x3i
        store(ar + cr, re, i0)
        store(ai + ci, im, i0)
        store(ar - cr, re, i2)
        store(ai - ci, im, i2)
        store(br + di, re, i1)
        store(bi - dr, im, i1)
        store(br - di, re, i3)
        store(bi + dr, im, i3)
    }
}
