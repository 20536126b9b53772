// SPDX-License-Identifier: Apache-2.0

/// What a `Renderer` is built with; fixed for its lifetime (live values go through `ParameterStore`).
public struct SynthConfiguration: Sendable, Equatable {
    /// The layers of the piece, selectable so tests can listen to one layer alone.
    public struct Layers: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Warm detuned-saw pad with a sine bass, playing the chord progression.
        public static let pad = Layers(rawValue: 1)
        /// The soft mallet-and-heartbeat pulse on every beat.
        public static let pulse = Layers(rawValue: 2)
        /// The sparse FM-bell melody.
        public static let melody = Layers(rawValue: 4)
        /// Band-passed "air" noise that breathes with the swell.
        public static let air = Layers(rawValue: 8)
        public static let all: Layers = [.pad, .pulse, .melody, .air]
    }

    /// Frames per second; a multiple of 10 (the loudness meter's 100 ms step), 8 000 ... 192 000.
    public var sampleRate: Int
    /// Seed of the generative piece: the same seed and parameter trajectory give the same samples.
    public var seed: UInt64
    public var layers: Layers
    /// The instrumentation (`Palette`).
    public var palette: Palette
    /// Length of every parameter ramp (AudioKit `ParameterRamper`), a whole number of control blocks.
    /// A caller that sets targets for the end of each chunk of this many frames gets an exactly
    /// piecewise-linear trajectory.
    public var parameterRampFrames: Int

    public init(sampleRate: Int = 48_000, seed: UInt64 = 1, layers: Layers = .all, palette: Palette = .default) {
        precondition(sampleRate % 10 == 0 && (8_000...192_000).contains(sampleRate), "unsupported sample rate")
        self.sampleRate = sampleRate
        self.seed = seed
        self.layers = layers
        self.palette = palette
        // About 50 ms, rounded to whole control blocks so ramps start and end on block edges.
        let blocks = max(1, Int((Double(sampleRate) * 0.05 / Double(Renderer.controlBlockFrames)).rounded()))
        parameterRampFrames = blocks * Renderer.controlBlockFrames
    }
}
