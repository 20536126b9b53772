// SPDX-License-Identifier: Apache-2.0

/// A four-line feedback delay network reverb (Jot & Chaigne 1991; the Householder mixing matrix as
/// in Smith, "Physical Audio Signal Processing", §FDN): a long, smooth ambient tail for the price of
/// four delay reads and writes per frame.
///
/// The delay memory is borrowed from the `Renderer`, which allocates it once up front, so processing
/// never allocates. Line lengths are mutually prime-ish and scale with the sample rate; each line's
/// loop gain gives the same decay time (RT60), and a one-pole low-pass in each loop darkens the tail
/// as real rooms do.
struct FeedbackDelayReverb {
    static let lineMilliseconds: (Double, Double, Double, Double) = (89.3, 113.7, 141.1, 167.9)

    /// Total floats of delay memory needed at a sample rate.
    static func memoryFrames(sampleRate: Int) -> Int {
        let l = lineMilliseconds
        return [l.0, l.1, l.2, l.3].reduce(0) { $0 + Int($1 * Double(sampleRate) / 1000) + 1 }
    }

    private let memory: UnsafeMutablePointer<Float>
    private let lengths: (Int, Int, Int, Int)
    private let starts: (Int, Int, Int, Int)
    private var cursor: (Int, Int, Int, Int) = (0, 0, 0, 0)
    private let feedback: (Float, Float, Float, Float)
    private var lowState: (Float, Float, Float, Float) = (0, 0, 0, 0)
    private let damping: Float

    /// - Parameters:
    ///   - memory: `memoryFrames(sampleRate:)` zeroed floats, owned by the caller.
    ///   - decaySeconds: time for the tail to fall 60 dB.
    init(memory: UnsafeMutablePointer<Float>, sampleRate: Int, decaySeconds: Double, dampingCutoffHertz: Double) {
        self.memory = memory
        let l = Self.lineMilliseconds
        func frames(_ ms: Double) -> Int { Int(ms * Double(sampleRate) / 1000) + 1 }
        lengths = (frames(l.0), frames(l.1), frames(l.2), frames(l.3))
        starts = (0, lengths.0, lengths.0 + lengths.1, lengths.0 + lengths.1 + lengths.2)
        // Loop gain g = 10^(-3·delay/RT60) gives -60 dB after RT60 seconds (Jot & Chaigne).
        func gain(_ n: Int) -> Float {
            FastMath.gain(decibels: Float(-60 * Double(n) / Double(sampleRate) / decaySeconds))
        }
        feedback = (gain(lengths.0), gain(lengths.1), gain(lengths.2), gain(lengths.3))
        // One-pole low-pass coefficient 1 − e^(−2π·fc/fs), with e^x written as 2^(x·log2 e).
        damping = 1 - FastMath.exp2(Float(-2 * Double.pi * dampingCutoffHertz / Double(sampleRate) * 1.442_695))
    }

    /// Processes one stereo frame of send signal and returns the wet stereo output.
    @inline(__always)
    mutating func process(left: Float, right: Float) -> (left: Float, right: Float) {
        let o0 = memory[starts.0 + cursor.0]
        let o1 = memory[starts.1 + cursor.1]
        let o2 = memory[starts.2 + cursor.2]
        let o3 = memory[starts.3 + cursor.3]
        lowState.0 += damping * (o0 - lowState.0)
        lowState.1 += damping * (o1 - lowState.1)
        lowState.2 += damping * (o2 - lowState.2)
        lowState.3 += damping * (o3 - lowState.3)
        let d0 = lowState.0 * feedback.0
        let d1 = lowState.1 * feedback.1
        let d2 = lowState.2 * feedback.2
        let d3 = lowState.3 * feedback.3
        // Householder reflection I - (2/N)·11ᵀ: lossless, and every line feeds every other.
        let half = (d0 + d1 + d2 + d3) * 0.5
        memory[starts.0 + cursor.0] = d0 - half + left
        memory[starts.1 + cursor.1] = d1 - half + right
        memory[starts.2 + cursor.2] = d2 - half + left
        memory[starts.3 + cursor.3] = d3 - half - right
        cursor.0 += 1; if cursor.0 == lengths.0 { cursor.0 = 0 }
        cursor.1 += 1; if cursor.1 == lengths.1 { cursor.1 = 0 }
        cursor.2 += 1; if cursor.2 == lengths.2 { cursor.2 = 0 }
        cursor.3 += 1; if cursor.3 == lengths.3 { cursor.3 = 0 }
        return (o0 + o2 * 0.7 - o3 * 0.3, o1 - o2 * 0.3 + o3 * 0.7)
    }
}
