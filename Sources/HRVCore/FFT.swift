// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An in-place radix-2 complex FFT on split real/imaginary buffers, with its twiddles and
/// bit-reversal table computed once per size.
///
/// Iterative decimation in time (Cooley & Tukey 1965). Lull needs power-of-two transforms only:
/// arbitrary-length DFTs go through `ChirpZ`, which reduces them to these.
struct FFT: Sendable {
    let size: Int
    private let log2Size: Int
    private let cosines: [Double]
    private let sines: [Double]
    private let bitReversed: [Int32]

    init(size: Int) {
        precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        log2Size = size.trailingZeroBitCount
        let half = size / 2
        var c = [Double](repeating: 0, count: half)
        var s = [Double](repeating: 0, count: half)
        for k in 0..<half {
            let angle = -2 * Double.pi * Double(k) / Double(size)
            c[k] = cos(angle)
            s[k] = sin(angle)
        }
        cosines = c
        sines = s
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
        transform(real: real, imaginary: imaginary)
    }

    /// Inverse transform without the 1/N factor (swap real and imaginary parts around a forward one).
    func inverseUnscaled(real: UnsafeMutableBufferPointer<Double>, imaginary: UnsafeMutableBufferPointer<Double>) {
        transform(real: imaginary, imaginary: real)
    }

    private func transform(real re: UnsafeMutableBufferPointer<Double>, imaginary im: UnsafeMutableBufferPointer<Double>) {
        precondition(re.count >= size && im.count >= size)
        bitReversed.withUnsafeBufferPointer { rev in
            for i in 0..<size {
                let j = Int(rev[i])
                if j > i {
                    re.swapAt(i, j)
                    im.swapAt(i, j)
                }
            }
        }
        cosines.withUnsafeBufferPointer { cs in
            sines.withUnsafeBufferPointer { sn in
                // First stage (length-2 butterflies) needs no twiddles.
                var i = 0
                while i < size {
                    let ar = re[i], ai = im[i], br = re[i + 1], bi = im[i + 1]
                    re[i] = ar + br; im[i] = ai + bi
                    re[i + 1] = ar - br; im[i + 1] = ai - bi
                    i += 2
                }
                var length = 4
                while length <= size {
                    let halfLength = length / 2
                    let stride = size / length
                    var start = 0
                    while start < size {
                        var k = 0
                        for j in 0..<halfLength {
                            let wr = cs[k], wi = sn[k]
                            let p = start + j
                            let q = p + halfLength
                            let tr = re[q] * wr - im[q] * wi
                            let ti = re[q] * wi + im[q] * wr
                            re[q] = re[p] - tr; im[q] = im[p] - ti
                            re[p] += tr; im[p] += ti
                            k += stride
                        }
                        start += length
                    }
                    length <<= 1
                }
            }
        }
    }
}

