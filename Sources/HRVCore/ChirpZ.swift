// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// DFT bins −K … K of zero-padded real sequences, for any transform length, via Bluestein's
/// chirp-z algorithm (Bluestein 1970; Rabiner, Schafer & Rader 1969).
///
/// Welch's method as NeuroKit2 calls it uses `nfft = 2 × nperseg`, and `nperseg` follows the
/// recording (599 is prime): a power-of-two FFT cannot be used directly. HRV needs only the bins
/// below 0.4 Hz, about a fifth of them, so the chirp-z transform of just those bins costs two
/// power-of-two FFTs. Two real segments share one transform (packed as real and imaginary parts
/// and separated through conjugate symmetry), which is why bins −K … K are computed.
struct ChirpZ: Sendable {
    /// Samples per segment.
    let segmentLength: Int
    /// The DFT length the bins refer to (bin k is frequency k·fs/transformLength).
    let transformLength: Int
    /// Highest bin computed; bins −maxBin … maxBin are.
    let maxBin: Int
    private let fft: FFT
    private let preChirpReal: [Double]
    private let preChirpImaginary: [Double]
    private let postChirpReal: [Double]
    private let postChirpImaginary: [Double]
    private let filterReal: [Double]
    private let filterImaginary: [Double]
    private var workReal: [Double]
    private var workImaginary: [Double]

    init(segmentLength: Int, transformLength: Int, maxBin: Int) {
        self.segmentLength = segmentLength
        self.transformLength = transformLength
        self.maxBin = maxBin
        let binCount = 2 * maxBin + 1
        var size = 2
        while size < segmentLength + binCount - 1 { size <<= 1 }
        // W^{x²/2} = e^{-iπx²/N}; x² is reduced mod 2N in integers so the angle stays exact.
        let period = 2 * transformLength
        func chirp(_ x: Int) -> (Double, Double) {
            let r = (x % period) * (x % period) % period
            let angle = -Double.pi * Double(r) / Double(transformLength)
            return (cos(angle), sin(angle))
        }
        var pr = [Double](repeating: 0, count: segmentLength)
        var pi = [Double](repeating: 0, count: segmentLength)
        for n in 0..<segmentLength { (pr[n], pi[n]) = chirp(n) }
        preChirpReal = pr
        preChirpImaginary = pi
        var qr = [Double](repeating: 0, count: binCount)
        var qi = [Double](repeating: 0, count: binCount)
        for m in 0..<binCount { (qr[m], qi[m]) = chirp(abs(m - maxBin)) }
        postChirpReal = qr
        postChirpImaginary = qi
        // Filter g[r] = W^{-(kStart + r - (P-1))²/2}, r = 0 … K+P-2, transformed once.
        var fr = [Double](repeating: 0, count: size)
        var fi = [Double](repeating: 0, count: size)
        for r in 0..<(binCount + segmentLength - 1) {
            let (c, s) = chirp(abs(-maxBin + r - (segmentLength - 1)))
            fr[r] = c
            fi[r] = -s
        }
        let transform = FFT(size: size)
        fr.withUnsafeMutableBufferPointer { re in
            fi.withUnsafeMutableBufferPointer { im in
                // Left in bit-reversed order, as the data's transform is: the product needs no order.
                transform.forwardToBitReversed(real: re.baseAddress!, imaginary: im.baseAddress!)
            }
        }
        fft = transform
        filterReal = fr
        filterImaginary = fi
        workReal = [Double](repeating: 0, count: size)
        workImaginary = [Double](repeating: 0, count: size)
    }

    /// |DFT|² of `first` and `second` (each `segmentLength` real samples, already windowed, implicitly
    /// zero-padded to `transformLength`) at bins 0 … maxBin, added into `firstPower` and `secondPower`.
    mutating func accumulatePowers(
        first: UnsafeBufferPointer<Double>, second: UnsafeBufferPointer<Double>?,
        firstPower: UnsafeMutableBufferPointer<Double>, secondPower: UnsafeMutableBufferPointer<Double>?
    ) {
        let p = segmentLength
        let size = fft.size
        let k = maxBin
        let fft = self.fft
        preChirpReal.withUnsafeBufferPointer { ar in
            preChirpImaginary.withUnsafeBufferPointer { ai in
                filterReal.withUnsafeBufferPointer { gr in
                    filterImaginary.withUnsafeBufferPointer { gi in
                        postChirpReal.withUnsafeBufferPointer { qr in
                            postChirpImaginary.withUnsafeBufferPointer { qi in
                                workReal.withUnsafeMutableBufferPointer { wr in
                                    workImaginary.withUnsafeMutableBufferPointer { wi in
                                        for n in 0..<p {
                                            let x = first[n]
                                            let y = second?[n] ?? 0
                                            wr[n] = x * ar[n] - y * ai[n]
                                            wi[n] = x * ai[n] + y * ar[n]
                                        }
                                        for n in p..<size {
                                            wr[n] = 0
                                            wi[n] = 0
                                        }
                                        fft.forwardToBitReversed(real: wr.baseAddress!, imaginary: wi.baseAddress!)
                                        for n in 0..<size {
                                            let r = wr[n] * gr[n] - wi[n] * gi[n]
                                            let i = wr[n] * gi[n] + wi[n] * gr[n]
                                            wr[n] = r
                                            wi[n] = i
                                        }
                                        fft.inverseUnscaledFromBitReversed(real: wr.baseAddress!, imaginary: wi.baseAddress!)
                                        let scale = 1 / Double(size)
                                        // Z[m - K] = post[m] · out[m + P - 1] / size.
                                        @inline(__always) func z(_ m: Int) -> (Double, Double) {
                                            let or = wr[m + p - 1] * scale
                                            let oi = wi[m + p - 1] * scale
                                            return (or * qr[m] - oi * qi[m], or * qi[m] + oi * qr[m])
                                        }
                                        for bin in 0...k {
                                            let (ar, ai) = z(k + bin)  // Z[bin]
                                            let (br, bi) = z(k - bin)  // Z[-bin]
                                            // X1 = (Z[k] + conj(Z[-k]))/2, X2 = (Z[k] - conj(Z[-k]))/(2i).
                                            let x1r = (ar + br) / 2, x1i = (ai - bi) / 2
                                            firstPower[bin] += x1r * x1r + x1i * x1i
                                            if let secondPower {
                                                let x2r = (ai + bi) / 2, x2i = -(ar - br) / 2
                                                secondPower[bin] += x2r * x2r + x2i * x2i
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
