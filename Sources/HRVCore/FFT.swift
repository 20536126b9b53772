// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An in-place complex FFT on split real/imaginary buffers for power-of-two sizes, with its
/// twiddles and bit-reversal table computed once per size, in `Double` or `Float`.
///
/// Iterative decimation in time (Cooley & Tukey 1965): bit-reversal permutation, one radix-2 stage
/// when log₂N is odd, then radix-4 stages, whose butterflies need three twiddle multiplications for
/// four outputs instead of four (Gentleman & Sande 1966). Twiddles are stored per stage, contiguous,
/// so the inner loop walks memory in order and four butterflies run at once on SIMD4 lanes.
/// For convolutions, `forwardToBitReversed` (decimation in frequency) and
/// `inverseUnscaledFromBitReversed` skip both permutations. Arbitrary-length DFTs go through `ChirpZ`.
struct FFT<Scalar: FFTScalar & SIMDScalar>: Sendable where Scalar.Element == Scalar {
    typealias Pointer = UnsafeMutablePointer<Scalar>
    let size: Int
    /// For each radix-4 stage (span L), W^j, W^2j, W^3j for j < L/4 with W = e^{-2πi/L}, stored as
    /// six runs of L/4 values (cos W^j, sin W^j, cos W^2j, …) so four butterflies load as one vector.
    private let twiddles: [Scalar]
    /// bitReversed[i]: where `forwardToBitReversed` leaves X[i]; empty for a transform made
    /// without it (a convolution never needs the permutation, and it is 4 bytes a point).
    let bitReversed: [Int32]
    private let oddStage: Bool
    /// Spans of the radix-4 stages, smallest first, and where each stage's twiddles start.
    private let spans: [Int]
    private let offsets: [Int]

    init(size: Int, withBitReversal: Bool = true) {
        precondition(size >= 4 && size & (size - 1) == 0, "FFT size must be a power of two, at least 4")
        self.size = size
        let log2Size = size.trailingZeroBitCount
        oddStage = log2Size % 2 == 1
        // e^{-2πik/N} for k < 3N/4 (all any stage needs: W_L^{mj} = W_N^{mj·N/L}), from a quarter
        // wave: multiplying by e^{-iπ/2} = -i only swaps and negates, so it adds no rounding. Only
        // the quarter is stored (the rest is read through `twiddle`): a table of 3N/4 would be the
        // largest thing a long recording's whole-spectrum transform holds while it is set up.
        let quarterWave = size / 4
        var cosine = [Double](repeating: 0, count: quarterWave)
        var sine = [Double](repeating: 0, count: quarterWave)
        for k in 0..<quarterWave {
            let angle = -2 * Double.pi * Double(k) / Double(size)
            (cosine[k], sine[k]) = (cos(angle), sin(angle))
        }
        func twiddle(_ k: Int) -> (Double, Double) {
            let (c, s) = (cosine[k % quarterWave], sine[k % quarterWave])
            switch k / quarterWave {
            case 0: return (c, s)
            case 1: return (s, -c)  // × -i
            default: return (-c, -s)  // × -1
            }
        }
        var t: [Scalar] = []
        // Six runs of span/4 per radix-4 stage: 1.5 Σ span values, reserved once (growing by
        // doubling would hold up to twice that while the last stage is appended).
        var twiddleCount = 0
        var stageSpan = oddStage ? 8 : 4
        while stageSpan <= size {
            twiddleCount += 6 * (stageSpan / 4)
            stageSpan *= 4
        }
        t.reserveCapacity(twiddleCount)
        var span = oddStage ? 8 : 4
        var spans: [Int] = []
        var offsets: [Int] = []
        while span <= size {
            let quarter = span / 4
            let stride = size / span
            spans.append(span)
            offsets.append(t.count)
            for m in 1...3 {
                let values = (0..<quarter).map { twiddle(m * $0 * stride) }
                t.append(contentsOf: values.lazy.map { Scalar($0.0) })
                t.append(contentsOf: values.lazy.map { Scalar($0.1) })
            }
            span *= 4
        }
        twiddles = t
        self.spans = spans
        self.offsets = offsets
        guard withBitReversal else {
            bitReversed = []
            return
        }
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
    func forward(real: UnsafeMutableBufferPointer<Scalar>, imaginary: UnsafeMutableBufferPointer<Scalar>) {
        precondition(real.count >= size && imaginary.count >= size)
        precondition(bitReversed.count == size, "this FFT was made without its bit-reversal table")
        let re = real.baseAddress!, im = imaginary.baseAddress!
        bitReversed.withUnsafeBufferPointer { rev in
            for i in 0..<size {
                let j = Int(rev[i])
                if j > i {
                    swap(&re[i], &re[j])
                    swap(&im[i], &im[j])
                }
            }
        }
        stages(re, im, transposed: false)
    }

    /// Forward transform of natural-order input, leaving X in bit-reversed order (decimation in
    /// frequency). For fast convolution, where the product of two spectra does not care about order.
    func forwardToBitReversed(real: Pointer, imaginary: Pointer) {
        stages(real, imaginary, transposed: true)
    }

    /// Inverse transform without the 1/N factor of bit-reversed input (as `forwardToBitReversed`
    /// leaves it), giving natural order: a forward transform with real and imaginary swapped.
    func inverseUnscaledFromBitReversed(real: Pointer, imaginary: Pointer) {
        stages(imaginary, real, transposed: false)
    }

    /// The butterfly stages of decimation in time (bit-reversed input), or their transposes in
    /// reverse order: the DFT matrix is symmetric, so F = (S_m ⋯ S_1 R)ᵀ = R S_1ᵀ ⋯ S_mᵀ, and
    /// applying S_mᵀ first leaves F·x in bit-reversed order (decimation in frequency).
    private func stages(_ re: Pointer, _ im: Pointer, transposed: Bool) {
        let n = size
        if oddStage && !transposed { Self.radix2(re, im, n) }
        twiddles.withUnsafeBufferPointer { tw in
            // The transposed pass walks the stages backwards.
            for stage in 0..<spans.count {
                let index = transposed ? spans.count - 1 - stage : stage
                let span = spans[index]
                let quarter = span / 4
                let w = tw.baseAddress! + offsets[index]
                var start = 0
                while start < n {
                    if quarter >= 4 {
                        var j = 0
                        while j < quarter {
                            Self.butterfly(SIMD4<Scalar>.self, re, im, start &+ j, quarter, w, j, transposed)
                            j &+= 4
                        }
                    } else if quarter == 1 {
                        Self.butterfly(Scalar.self, re, im, start, 1, nil, 0, transposed)
                    } else {
                        for j in 0..<quarter {
                            Self.butterfly(Scalar.self, re, im, start &+ j, quarter, w, j, transposed)
                        }
                    }
                    start &+= span
                }
            }
        }
        if oddStage && transposed { Self.radix2(re, im, n) }
    }

    /// Radix-2 butterflies on neighbouring pairs, without twiddles (their matrix is symmetric, so
    /// the same in both directions).
    private static func radix2(_ re: Pointer, _ im: Pointer, _ n: Int) {
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

    /// One radix-4 butterfly (or four neighbouring ones on SIMD4 lanes) on x[i0], x[i0+q], x[i0+2q],
    /// x[i0+3q]. In bit-reversed order these blocks hold the sub-transforms of residues 0, 2, 1, 3,
    /// so the twiddles W^2j, W^j, W^3j go to positions 1, 2, 3. `w` points at the stage's six runs
    /// of q twiddles, or is nil for the span-4 stage, whose twiddles are all 1. With `transposed`,
    /// the butterfly's transpose: sums first, twiddles on outputs.
    @inline(__always)
    private static func butterfly<V: FFTLanes>(
        _: V.Type, _ re: Pointer, _ im: Pointer, _ i0: Int, _ q: Int, _ w: UnsafePointer<Scalar>?, _ j: Int,
        _ transposed: Bool
    ) where V.Element == Scalar {
        let i1 = i0 &+ q, i2 = i1 &+ q, i3 = i2 &+ q
        let y0r = V.load(re, i0), y0i = V.load(im, i0), y1r = V.load(re, i1), y1i = V.load(im, i1)
        let y2r = V.load(re, i2), y2i = V.load(im, i2), y3r = V.load(re, i3), y3i = V.load(im, i3)
        @inline(__always) func rotate(_ xr: V, _ xi: V, _ run: Int) -> (V, V) {
            guard let w else { return (xr, xi) }
            let c = V.load(w, 2 &* run &* q &+ j), s = V.load(w, (2 &* run &+ 1) &* q &+ j)
            return (xr * c - xi * s, xr * s + xi * c)
        }
        // Decimation in time twiddles the inputs at positions 1, 2, 3 (W^2j, W^j, W^3j) and pairs
        // position 0 with 1 and 2 with 3; the transpose pairs 0 with 2 and 1 with 3 untwiddled.
        let (u1r, u1i) = transposed ? (y2r, y2i) : rotate(y1r, y1i, 1)
        let (u2r, u2i) = transposed ? (y1r, y1i) : rotate(y2r, y2i, 0)
        let (u3r, u3i) = transposed ? (y3r, y3i) : rotate(y3r, y3i, 2)
        let ar = y0r + u1r, ai = y0i + u1i
        let br = y0r - u1r, bi = y0i - u1i
        let cr = u2r + u3r, ci = u2i + u3i
        let dr = u2r - u3r, di = u2i - u3i
        let (er, ei) = (ar - cr, ai - ci)
        let (fr, fi) = (br + di, bi - dr)  // b - i·d
        let (gr, gi) = (br - di, bi + dr)  // b + i·d
        @inline(__always) func put(_ value: (V, V), _ i: Int) {
            value.0.store(re, i)
            value.1.store(im, i)
        }
        put((ar + cr, ai + ci), i0)
        if transposed {
            // Twiddles on the outputs.
            put(rotate(er, ei, 1), i1)
            put(rotate(fr, fi, 0), i2)
            put(rotate(gr, gi, 2), i3)
        } else {
            put((er, ei), i2)
            put((fr, fi), i1)
            put((gr, gi), i3)
        }
    }
}

/// What a butterfly computes on: one number, or four neighbouring ones in a SIMD vector.
protocol FFTLanes {
    associatedtype Element
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func load(_ p: UnsafePointer<Element>, _ i: Int) -> Self
    func store(_ p: UnsafeMutablePointer<Element>, _ i: Int)
}

/// The number types the FFT runs in.
protocol FFTScalar: BinaryFloatingPoint, Sendable, FFTLanes {}

extension Double: FFTScalar {
    @inline(__always) static func load(_ p: UnsafePointer<Double>, _ i: Int) -> Double { p[i] }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Double>, _ i: Int) { p[i] = self }
}

extension Float: FFTScalar {
    @inline(__always) static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Float { p[i] }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>, _ i: Int) { p[i] = self }
}

extension SIMD4: FFTLanes where Scalar: BinaryFloatingPoint {
    typealias Element = Scalar
    @inline(__always) static func load(_ p: UnsafePointer<Scalar>, _ i: Int) -> Self {
        UnsafeRawPointer(p + i).loadUnaligned(as: Self.self)
    }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Scalar>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: self, as: Self.self)
    }
}
