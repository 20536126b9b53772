// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// |DFT|² at bins 0 … K of windowed, zero-padded real segments, for any transform length, via
/// Bluestein's chirp-z algorithm (Bluestein 1970; Rabiner, Schafer & Rader 1969).
///
/// Welch's method as NeuroKit2 calls it uses `nfft = 2 × nperseg`, and `nperseg` follows the
/// recording (599 is prime): a power-of-two FFT cannot be used directly. HRV needs only the bins
/// below 0.4 Hz, about a fifth of them, so the chirp-z transform of just those bins costs two
/// power-of-two FFTs. Two real segments share one transform (packed as real and imaginary parts
/// and separated through conjugate symmetry), which is why bins −K … K are computed.
///
/// The transforms run in `Float`: twice the SIMD lanes of `Double`. Samples are centred (the mean
/// removed) in `Double` first, chirps and window are computed in `Double` and rounded once, and
/// powers are summed in `Double`; the relative error of a bin's power is then about 1e-6 of the
/// largest bin's, far below what band powers are compared at (the oracle tests allow 5 %).
struct ChirpZ: Sendable {
    /// Samples per segment.
    let segmentLength: Int
    /// The DFT length the bins refer to (bin k is frequency k·fs/transformLength).
    let transformLength: Int
    /// Highest bin computed; bins −maxBin … maxBin are (in the two-segment layout).
    let maxBin: Int
    /// The bins computed: firstBin ..< firstBin + binCount.
    let firstBin: Int
    let binCount: Int
    private let fft: FFT<Float>
    /// Window × pre-chirp, per sample.
    private let preChirpReal: [Float]
    private let preChirpImaginary: [Float]
    private let postChirpReal: [Float]
    private let postChirpImaginary: [Float]
    /// The chirp filter's transform, in the bit-reversed order the data's transform comes in.
    private let filterReal: [Float]
    private let filterImaginary: [Float]
    private var workReal: [Float]
    private var workImaginary: [Float]

    /// Bins −maxBin … maxBin (two real segments share one transform).
    /// - Parameter window: applied to every segment (length `segmentLength`).
    init(segmentLength: Int, transformLength: Int, maxBin: Int, window: [Double]) {
        precondition(window.count == segmentLength)
        // Every chirp this layout needs is one of x = 0 … P-1+K, so each is computed once.
        let chirps = (0..<(segmentLength + maxBin)).map { Self.chirp($0, transformLength: transformLength) }
        self.init(
            segmentLength: segmentLength, transformLength: transformLength, firstBin: -maxBin, binCount: 2 * maxBin + 1,
            window: window
        ) { chirps[$0] }
    }

    /// Bins firstBin ..< firstBin + binCount of blocks of `blockLength` samples that the caller has
    /// windowed and centred (`accumulateBins`): a transform the size of a block and a run of bins,
    /// not of a whole recording's segment.
    init(blockLength: Int, transformLength: Int, firstBin: Int, binCount: Int) {
        self.init(
            segmentLength: blockLength, transformLength: transformLength, firstBin: firstBin, binCount: binCount,
            window: nil
        ) { Self.chirp($0, transformLength: transformLength) }
    }

    /// W^{x²/2} = e^{-iπx²/N}; x² is reduced mod 2N in integers so the angle stays exact.
    private static func chirp(_ x: Int, transformLength: Int) -> (Double, Double) {
        let period = 2 * transformLength
        let r = (x % period) * (x % period) % period
        let angle = -Double.pi * Double(r) / Double(transformLength)
        return (cos(angle), sin(angle))
    }

    private init(
        segmentLength: Int, transformLength: Int, firstBin: Int, binCount: Int, window: [Double]?,
        chirp: (Int) -> (Double, Double)
    ) {
        self.segmentLength = segmentLength
        self.transformLength = transformLength
        self.maxBin = -firstBin
        self.firstBin = firstBin
        self.binCount = binCount
        var size = 4
        while size < segmentLength + binCount - 1 { size <<= 1 }
        var pr = [Float](repeating: 0, count: segmentLength)
        var pi = [Float](repeating: 0, count: segmentLength)
        for n in 0..<segmentLength {
            let (c, s) = chirp(n)
            let w = window?[n] ?? 1
            pr[n] = Float(w * c)
            pi[n] = Float(w * s)
        }
        preChirpReal = pr
        preChirpImaginary = pi
        var qr = [Float](repeating: 0, count: binCount)
        var qi = [Float](repeating: 0, count: binCount)
        for m in 0..<binCount {
            let (c, s) = chirp(abs(firstBin + m))
            qr[m] = Float(c)
            qi[m] = Float(s)
        }
        postChirpReal = qr
        postChirpImaginary = qi
        // Filter g[r] = W^{-(kStart + r - (P-1))²/2}, r = 0 … K+P-2, transformed once.
        var fr = [Float](repeating: 0, count: size)
        var fi = [Float](repeating: 0, count: size)
        for r in 0..<(binCount + segmentLength - 1) {
            let (c, s) = chirp(abs(firstBin + r - (segmentLength - 1)))
            fr[r] = Float(c)
            fi[r] = Float(-s)
        }
        let transform = FFT<Float>(size: size, withBitReversal: false)
        fr.withUnsafeMutableBufferPointer { re in
            fi.withUnsafeMutableBufferPointer { im in
                transform.forwardToBitReversed(real: re.baseAddress!, imaginary: im.baseAddress!)
            }
        }
        // The inverse transform's 1/size, folded into the filter.
        let scale = 1 / Float(size)
        for i in 0..<size {
            fr[i] *= scale
            fi[i] *= scale
        }
        fft = transform
        filterReal = fr
        filterImaginary = fi
        workReal = [Float](repeating: 0, count: size)
        workImaginary = [Float](repeating: 0, count: size)
    }

    /// |DFT|² of the windowed segments `first` and `second` (each `segmentLength` samples, less
    /// `mean`, implicitly zero-padded to `transformLength`) at bins 0 … maxBin, added into
    /// `firstPower` and `secondPower`.
    mutating func accumulatePowers(
        first: UnsafePointer<Double>, second: UnsafePointer<Double>?, mean: Double,
        firstPower: UnsafeMutablePointer<Double>, secondPower: UnsafeMutablePointer<Double>?
    ) {
        let p = segmentLength
        let k = maxBin
        convolve { wr, wi, ar, ai in
            if let second {
                for n in 0..<p {
                    let x = Float(first[n] - mean), y = Float(second[n] - mean)
                    wr[n] = x * ar[n] - y * ai[n]
                    wi[n] = x * ai[n] + y * ar[n]
                }
            } else {
                for n in 0..<p {
                    let x = Float(first[n] - mean)
                    wr[n] = x * ar[n]
                    wi[n] = x * ai[n]
                }
            }
            return p
        } read: { wr, wi, qr, qi in
            // Z[m - K] = post[m] · out[m + P - 1].
            @inline(__always) func z(_ m: Int) -> (Double, Double) {
                let or = wr[m + p - 1], oi = wi[m + p - 1]
                return (Double(or * qr[m] - oi * qi[m]), Double(or * qi[m] + oi * qr[m]))
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

    /// Z[k] = Σₙ samples[n]·W^{k(offset+n)} for k = firstBin ..< firstBin + binCount, added into
    /// `real` and `imaginary`: the block's chirp-z transform, turned by W^{k·offset} because the
    /// block starts `offset` samples into its segment. `count` ≤ blockLength samples, already
    /// windowed and centred; the rest of the block is zero.
    mutating func accumulateBins(
        of samples: UnsafePointer<Double>, count: Int, offset: Int,
        real: UnsafeMutablePointer<Double>, imaginary: UnsafeMutablePointer<Double>
    ) {
        precondition(count <= segmentLength)
        let p = segmentLength
        let transformLength = self.transformLength
        let firstBin = self.firstBin
        let binCount = self.binCount
        convolve { wr, wi, ar, ai in
            for n in 0..<count {
                let x = Float(samples[n])
                wr[n] = x * ar[n]
                wi[n] = x * ai[n]
            }
            return count
        } read: { wr, wi, qr, qi in
            // W^{k·offset}, stepped by W^{offset} from bin to bin in Double and set again from
            // k·offset reduced in integers every 1024 bins, so it never drifts.
            let stepAngle = -2 * Double.pi * Double(offset % transformLength) / Double(transformLength)
            let (stepCos, stepSin) = (cos(stepAngle), sin(stepAngle))
            var turnCos = 1.0, turnSin = 0.0
            for m in 0..<binCount {
                if m % 1024 == 0 {
                    let k = firstBin + m
                    let reduced = ((k % transformLength) * (offset % transformLength)) % transformLength
                    let angle = -2 * Double.pi * Double(reduced) / Double(transformLength)
                    (turnCos, turnSin) = (cos(angle), sin(angle))
                }
                let or = Double(wr[m + p - 1]), oi = Double(wi[m + p - 1])
                let zr = or * Double(qr[m]) - oi * Double(qi[m])
                let zi = or * Double(qi[m]) + oi * Double(qr[m])
                real[m] += zr * turnCos - zi * turnSin
                imaginary[m] += zr * turnSin + zi * turnCos
                (turnCos, turnSin) = (turnCos * stepCos - turnSin * stepSin, turnCos * stepSin + turnSin * stepCos)
            }
        }
    }

    /// One chirp-z transform: `load` writes the pre-chirped samples into the work buffers (given
    /// the pre-chirp) and says how many; the rest is zeroed, convolved with the chirp filter, and
    /// `read` takes the output with the post-chirp.
    private mutating func convolve(
        load: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> Int,
        read: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> Void
    ) {
        let size = fft.size
        let fft = self.fft
        // The work buffers are moved out while the tables are read through `self`: mutating them
        // in place inside `withTables` would copy them (twice the transform's size) on every call.
        var workReal = self.workReal
        var workImaginary = self.workImaginary
        self.workReal = []
        self.workImaginary = []
        defer {
            self.workReal = workReal
            self.workImaginary = workImaginary
        }
        withTables { ar, ai, gr, gi, qr, qi in
            workReal.withUnsafeMutableBufferPointer { wrb in
                workImaginary.withUnsafeMutableBufferPointer { wib in
                    let wr = wrb.baseAddress!, wi = wib.baseAddress!
                    let loaded = load(wr, wi, ar, ai)
                    (wr + loaded).update(repeating: 0, count: size - loaded)
                    (wi + loaded).update(repeating: 0, count: size - loaded)
                    fft.forwardToBitReversed(real: wr, imaginary: wi)
                    for n in 0..<size {
                        let r = wr[n] * gr[n] - wi[n] * gi[n]
                        let i = wr[n] * gi[n] + wi[n] * gr[n]
                        wr[n] = r
                        wi[n] = i
                    }
                    fft.inverseUnscaledFromBitReversed(real: wr, imaginary: wi)
                    read(wr, wi, qr, qi)
                }
            }
        }
    }

    /// The constant tables as pointers: pre-chirp, filter and post-chirp, real and imaginary.
    private func withTables<R>(
        _ body: (
            UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
            UnsafePointer<Float>, UnsafePointer<Float>
        ) -> R
    ) -> R {
        preChirpReal.withUnsafeBufferPointer { ar in
            preChirpImaginary.withUnsafeBufferPointer { ai in
                filterReal.withUnsafeBufferPointer { gr in
                    filterImaginary.withUnsafeBufferPointer { gi in
                        postChirpReal.withUnsafeBufferPointer { qr in
                            postChirpImaginary.withUnsafeBufferPointer { qi in
                                body(
                                    ar.baseAddress!, ai.baseAddress!, gr.baseAddress!, gi.baseAddress!,
                                    qr.baseAddress!, qi.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }
}
