// SPDX-License-Identifier: Apache-2.0

/// A four-line feedback delay network reverb (Jot & Chaigne 1991; the Householder mixing matrix as
/// in Smith, "Physical Audio Signal Processing", §FDN): a long, smooth ambient tail for the price of
/// four delay reads and one vector write per frame.
///
/// The four lines share one circular buffer of `SIMD4` slots, one lane per line, whose length is a
/// power of two: a single write cursor advances by one and wraps with a mask, and line k reads the
/// slot written `length_k` frames ago. Loss filters, gains and the mixing matrix then run on all four
/// lines at once. The memory is borrowed from the `Renderer`, which allocates it once up front, so
/// processing never allocates. Line lengths are mutually prime-ish and scale with the sample rate;
/// each line's loop gain gives the same decay time (RT60), and a one-pole low-pass in each loop
/// darkens the tail as real rooms do.
struct FeedbackDelayReverb {
    static let lineMilliseconds: (Double, Double, Double, Double) = (89.3, 113.7, 141.1, 167.9)

    private static func frames(_ milliseconds: Double, sampleRate: Int) -> Int {
        Int(milliseconds * Double(sampleRate) / 1000) + 1
    }

    /// Slots of delay memory needed at a sample rate: the smallest power of two above the longest line.
    static func memorySlots(sampleRate: Int) -> Int {
        var slots = 1
        while slots <= frames(lineMilliseconds.3, sampleRate: sampleRate) { slots *= 2 }
        return slots
    }

    private let memory: UnsafeMutablePointer<SIMD4<Float>>
    private let mask: Int
    private let lengths: (Int, Int, Int, Int)
    private var cursor = 0
    private var feedback: SIMD4<Float>
    private var lowState = SIMD4<Float>.zero
    private let damping: Float
    private let sampleRate: Int

    /// - Parameters:
    ///   - memory: `memorySlots(sampleRate:)` zeroed slots, owned by the caller.
    ///   - decaySeconds: time for the tail to fall 60 dB.
    init(memory: UnsafeMutablePointer<SIMD4<Float>>, sampleRate: Int, decaySeconds: Double, dampingCutoffHertz: Double) {
        self.memory = memory
        self.sampleRate = sampleRate
        mask = Self.memorySlots(sampleRate: sampleRate) - 1
        let l = Self.lineMilliseconds
        lengths = (
            Self.frames(l.0, sampleRate: sampleRate), Self.frames(l.1, sampleRate: sampleRate),
            Self.frames(l.2, sampleRate: sampleRate), Self.frames(l.3, sampleRate: sampleRate)
        )
        feedback = .zero
        // One-pole low-pass coefficient 1 − e^(−2π·fc/fs), with e^x written as 2^(x·log2 e).
        damping = 1 - FastMath.exp2(Float(-2 * Double.pi * dampingCutoffHertz / Double(sampleRate) * 1.442_695))
        setDecay(seconds: decaySeconds)
    }

    /// Sets the decay time (RT60, seconds); control rate only (four exponentials).
    mutating func setDecay(seconds decaySeconds: Double) {
        // Loop gain g = 10^(-3·delay/RT60) gives -60 dB after RT60 seconds (Jot & Chaigne).
        let rate = Double(sampleRate)
        func gain(_ n: Int) -> Float { FastMath.gain(decibels: Float(-60 * Double(n) / rate / decaySeconds)) }
        feedback = SIMD4(gain(lengths.0), gain(lengths.1), gain(lengths.2), gain(lengths.3))
    }

    /// Processes one stereo frame of send signal and returns the wet stereo output.
    @inline(__always)
    mutating func process(left: Float, right: Float) -> (left: Float, right: Float) {
        let out = SIMD4(
            memory[(cursor &- lengths.0) & mask].x, memory[(cursor &- lengths.1) & mask].y,
            memory[(cursor &- lengths.2) & mask].z, memory[(cursor &- lengths.3) & mask].w)
        lowState += damping * (out - lowState)
        let delayed = lowState * feedback
        // Householder reflection I - (2/N)·11ᵀ: lossless, and every line feeds every other.
        let pair = delayed.lowHalf + delayed.highHalf
        let half = (pair.x + pair.y) * 0.5
        memory[cursor] = delayed - half + SIMD4(left, right, left, -right)
        cursor = (cursor + 1) & mask
        return (out.x + out.z * 0.7 - out.w * 0.3, out.y - out.z * 0.3 + out.w * 0.7)
    }
}
