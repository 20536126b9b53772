// SPDX-License-Identifier: Apache-2.0
public import SynthCore
import Foundation

/// Test-side analysis of rendered audio, shared by SynthCoreTests and ALSAOutputTests. Nothing here reads the synth's internal counters: it looks
/// only at samples, as a listener (or a measuring microphone) would.
public enum AudioAnalysis {
    /// Renders `frames` stereo frames in buffers of `chunk` frames, calling `control(frame)` before each
    /// buffer so a test can move parameter targets along a trajectory. Buffers never straddle a
    /// multiple of `controlInterval`, so targets can be set at exactly the same frames whatever the
    /// buffer size.
    public static func render(
        _ configuration: SynthConfiguration, store: ParameterStore, frames: Int, chunk: Int = 4_096,
        controlInterval: Int = .max, control: (Int) -> Void = { _ in }
    ) -> [Float] {
        var renderer = Renderer(configuration: configuration, parameters: store)
        var samples = [Float](repeating: 0, count: 2 * frames)
        var done = 0
        samples.withUnsafeMutableBufferPointer { all in
            while done < frames {
                control(done)
                let nextControl = controlInterval == .max ? Int.max : (done / controlInterval + 1) * controlInterval
                let count = min(chunk, frames - done, nextControl - done)
                renderer.render(into: UnsafeMutableBufferPointer(rebasing: all[(2 * done)..<(2 * (done + count))]), parameters: store)
                done += count
            }
        }
        return samples
    }

    /// Mono mix (L+R)/2 of interleaved stereo.
    public static func mono(_ interleaved: [Float]) -> [Float] {
        (0..<(interleaved.count / 2)).map { (interleaved[2 * $0] + interleaved[2 * $0 + 1]) * 0.5 }
    }

    /// Click detector after Godsill & Rayner, *Digital Audio Restoration* (1998) ch. 5: model each
    /// channel, block by block (2 048 frames), as an order-20 autoregressive process (autocorrelation
    /// method, Levinson-Durbin), and inspect the prediction error. Music is predictable from its own
    /// past; a discontinuity in value or slope is not, so it leaves an isolated spike in the error.
    /// A frame is a click when its error exceeds 8× the block's robust error scale (1.4826 × median
    /// absolute error) and 1e-3 (−60 dBFS). On the full mix at −20 LUFS this finds a spliced step of
    /// 0.01 (−40 dBFS) or one zeroed sample. (On a single pure-tone layer the error scale collapses
    /// towards zero and the detector grows oversensitive, so it is meant for the full mix.)
    public static func clicks(_ interleaved: [Float], sampleRate: Int) -> [Int] {
        let order = 20
        let block = 2_048
        var found = Set<Int>()
        let frames = interleaved.count / 2
        for channel in 0..<2 {
            let x = (0..<frames).map { Double(interleaved[2 * $0 + channel]) }
            var start = order
            while start < frames {
                let end = min(frames, start + block)
                let window = Array(x[(start - order)..<end])
                let coefficients = levinsonDurbin(autocorrelation(window, lags: order), order: order)
                var errors: [Double] = []
                errors.reserveCapacity(end - start)
                for n in order..<window.count {
                    var prediction = 0.0
                    for k in 1...order { prediction -= coefficients[k] * window[n - k] }
                    errors.append(window[n] - prediction)
                }
                let sorted = errors.map(abs).sorted()
                let scale = 1.482_6 * sorted[sorted.count / 2]
                for (i, e) in errors.enumerated() where abs(e) > 8 * scale && abs(e) > 1e-3 { found.insert(start + i) }
                start = end
            }
        }
        return found.sorted()
    }

    private static func autocorrelation(_ x: [Double], lags: Int) -> [Double] {
        (0...lags).map { lag in
            var sum = 0.0
            for n in lag..<x.count { sum += x[n] * x[n - lag] }
            return sum
        }
    }

    /// Levinson-Durbin recursion; returns a[0...order] with a[0] = 1 (prediction x̂[n] = −Σ a[k]·x[n−k]).
    private static func levinsonDurbin(_ r: [Double], order: Int) -> [Double] {
        var a = [Double](repeating: 0, count: order + 1)
        a[0] = 1
        var error = r[0] * (1 + 1e-9) + 1e-30  // tiny white-noise floor keeps silence well-conditioned
        for i in 1...order {
            var acc = r[i]
            for k in 1..<i { acc += a[k] * r[i - k] }
            let reflection = -acc / error
            var next = a
            for k in 1..<i { next[k] = a[k] + reflection * a[i - k] }
            next[i] = reflection
            a = next
            error *= 1 - reflection * reflection
        }
        return a
    }

    /// Onset detector for the pulse layer, working on what is heard, not on the synth's counters.
    ///
    /// 1. High-pass at 400 Hz (RBJ cookbook biquad, Q = 0.707): leaves the mallet's bright 4th partial
    ///    (≈ 0.6–1 kHz, 45 ms decay) whose half-period is under 1 ms, so a 1 ms envelope is exact
    ///    enough; the low body and thump would smear the envelope over their 4–9 ms half-periods.
    /// 2. Envelope: peak |x| over 1 ms hops.
    /// 3. An onset is a hop whose envelope reaches 30 % of the maximum of the next 10 ms while the
    ///    envelope 10 ms earlier was under 10 % of that maximum, and the maximum is at least 5 % of the
    ///    loudest hop in the file (ignores reverb residue); then 150 ms refractory.
    /// 4. Time: the first sample reaching 30 % of that maximum, minus 30 % of the nominal attack
    ///    (a linear 3 ms attack reaches 30 % after 0.9 ms). Returns seconds.
    public static func onsets(_ mono: [Float], sampleRate: Int, attackSeconds: Double = 0.003) -> [Double] {
        let hp = highPass(mono, sampleRate: sampleRate, hertz: 400)
        let hop = max(1, sampleRate / 1_000)
        let hops = hp.count / hop
        var envelope = [Float](repeating: 0, count: hops)
        for h in 0..<hops {
            var peak: Float = 0
            for n in (h * hop)..<((h + 1) * hop) { peak = max(peak, abs(hp[n])) }
            envelope[h] = peak
        }
        let loudest = envelope.max() ?? 0
        var result: [Double] = []
        var h = 10
        while h < hops - 10 {
            let localPeak = envelope[h..<(h + 10)].max()!
            if localPeak >= 0.05 * loudest, envelope[h] >= 0.3 * localPeak, envelope[h - 10] < 0.1 * localPeak {
                var n = (h - 1) * hop
                while abs(hp[n]) < 0.3 * localPeak { n += 1 }
                result.append(Double(n) / Double(sampleRate) - 0.3 * attackSeconds)
                h += 150
            } else {
                h += 1
            }
        }
        return result
    }

    /// Second-order high-pass (Bristow-Johnson, "Audio EQ Cookbook"), Q = 1/√2.
    public static func highPass(_ x: [Float], sampleRate: Int, hertz: Double) -> [Float] {
        let w = 2 * Double.pi * hertz / Double(sampleRate)
        let alpha = sin(w) / (2 * 0.707_106_781)
        let a0 = 1 + alpha
        let b0 = (1 + cos(w)) / 2 / a0, b1 = -(1 + cos(w)) / a0, b2 = b0
        let a1 = -2 * cos(w) / a0, a2 = (1 - alpha) / a0
        var y = [Float](repeating: 0, count: x.count)
        var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0
        for n in 0..<x.count {
            let xn = Double(x[n])
            let yn = b0 * xn + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            (x2, x1, y2, y1) = (x1, xn, y1, yn)
            y[n] = Float(yn)
        }
        return y
    }

    /// Momentary loudness every 100 ms (BS.1770-4 400 ms blocks, 75 % overlap), LUFS.
    public static func momentarySeries(_ interleaved: [Float], sampleRate: Int) -> [Double] {
        loudnessSeries(interleaved, sampleRate: sampleRate) { $0.momentaryLUFS }
    }

    /// Short-term loudness every 100 ms (3 s window), LUFS.
    public static func shortTermSeries(_ interleaved: [Float], sampleRate: Int) -> [Double] {
        loudnessSeries(interleaved, sampleRate: sampleRate) { $0.shortTermLUFS }
    }

    private static func loudnessSeries(_ interleaved: [Float], sampleRate: Int, reading: (LoudnessMeter) -> Double) -> [Double] {
        var meter = LoudnessMeter(sampleRate: sampleRate)
        var series: [Double] = []
        let step = sampleRate / 10
        for frame in 0..<(interleaved.count / 2) {
            meter.process(left: interleaved[2 * frame], right: interleaved[2 * frame + 1])
            if (frame + 1) % step == 0 { series.append(reading(meter)) }
        }
        return series
    }

    /// Peak-to-trough depth of the best-fitting sinusoid of known frequency (least squares on
    /// sin, cos and a constant), e.g. the breath swell in a loudness series.
    public static func sinusoidDepth(_ series: [Double], stepSeconds: Double, hertz: Double) -> Double {
        // Normal equations for y ≈ a·sin + b·cos + c.
        var m = [[Double]](repeating: [Double](repeating: 0, count: 3), count: 3)
        var v = [Double](repeating: 0, count: 3)
        for (i, y) in series.enumerated() {
            let phase = 2 * Double.pi * hertz * Double(i) * stepSeconds
            let basis = [sin(phase), cos(phase), 1.0]
            for r in 0..<3 {
                v[r] += basis[r] * y
                for c in 0..<3 { m[r][c] += basis[r] * basis[c] }
            }
        }
        let solution = solve3(m, v)
        return 2 * (solution[0] * solution[0] + solution[1] * solution[1]).squareRoot()
    }

    private static func solve3(_ m: [[Double]], _ v: [Double]) -> [Double] {
        var a = m
        var b = v
        for col in 0..<3 {
            let pivot = (col..<3).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for row in (col + 1)..<3 {
                let f = a[row][col] / a[col][col]
                for c in col..<3 { a[row][c] -= f * a[col][c] }
                b[row] -= f * b[col]
            }
        }
        var x = [0.0, 0.0, 0.0]
        for row in stride(from: 2, through: 0, by: -1) {
            var sum = b[row]
            for c in (row + 1)..<3 { sum -= a[row][c] * x[c] }
            x[row] = sum / a[row][row]
        }
        return x
    }
}
