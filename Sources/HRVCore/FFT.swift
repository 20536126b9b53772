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
    /// For each radix-4 stage (span L = 4^s·r), W^j, W^2j, W^3j for j < L/4 with W = e^{-2πi/L},
    /// interleaved as (c1, s1, c2, s2, c3, s3).
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
            for j in 0..<quarter {
                for m in 1...3 {
                    let angle = -2 * Double.pi * Double(m * j) / Double(span)
                    t.append(cos(angle))
                    t.append(sin(angle))
                }
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
                var start = 0
                while start < n {
                    for j in 0..<quarter {
                        let t = offset + 6 * j
                        let c1 = tw[t], s1 = tw[t + 1], c2 = tw[t + 2], s2 = tw[t + 3], c3 = tw[t + 4], s3 = tw[t + 5]
                        let i0 = start + j
                        let i1 = i0 + quarter
                        let i2 = i1 + quarter
                        let i3 = i2 + quarter
                        // Inputs in bit-reversed order: x0, x2 (W^2j), x1 (W^j), x3 (W^3j).
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
                        // (b) + (-i)(d) and (b) - (-i)(d)
                        re[i1] = br + di
                        im[i1] = bi - dr
                        re[i3] = br - di
                        im[i3] = bi + dr
                    }
                    start += span
                }
                offset += 6 * quarter
                span *= 4
            }
        }
    }
}
