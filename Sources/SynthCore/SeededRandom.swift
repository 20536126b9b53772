// SPDX-License-Identifier: Apache-2.0

/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// tiny state, good statistical quality, and bit-identical on every platform, which is what makes a
/// seed reproduce the same piece sample for sample.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0 ..< 1 from the top 24 bits (exact in Float).
    @inline(__always)
    mutating func unit() -> Float { Float(next() >> 40) * (1.0 / 16_777_216) }

    /// Uniform integer in 0 ..< upperBound without the generic machinery of `Int.random(in:using:)`.
    @inline(__always)
    mutating func below(_ upperBound: Int) -> Int { Int((next() >> 33) % UInt64(upperBound)) }
}
