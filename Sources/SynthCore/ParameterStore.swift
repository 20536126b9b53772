// SPDX-License-Identifier: Apache-2.0
import Synchronization

/// The one meeting point between the control side (guidance, CLI) and the render thread.
///
/// Every scalar is one `Atomic` holding a bit pattern, read and written `.relaxed`: each value is
/// independent, so no ordering between them is needed, and the render thread never blocks
/// (see STYLE.md "Real-time audio path"). Setters store *targets*; the renderer ramps toward them
/// (AudioKit `ParameterRamper`), so no change is ever heard as a step. Counters flow back the same way.
public final class ParameterStore: Sendable {
    // Control → render targets.
    let tempoBits: Atomic<UInt64>
    let loudnessBits: Atomic<UInt64>
    let swellRateBits: Atomic<UInt64>
    let swellDepthBits: Atomic<UInt64>
    let brightnessBits: Atomic<UInt64>
    let tensionBits: Atomic<UInt64>

    // Render → control state.
    let framesRenderedCount = Atomic<UInt64>(0)
    let beatCountValue = Atomic<UInt64>(0)
    let swellPhaseBits = Atomic<UInt64>(Double(0).bitPattern)
    let momentaryBits = Atomic<UInt64>((-Double.infinity).bitPattern)
    let shortTermBits = Atomic<UInt64>((-Double.infinity).bitPattern)
    let underrunCount = Atomic<UInt64>(0)

    /// Accepted ranges; setters clamp into them so a bad caller can never produce an extreme sound.
    public static let tempoRangeBPM: ClosedRange<Double> = 30...140
    public static let loudnessRangeLUFS: ClosedRange<Double> = -50...(-14)
    public static let swellRateRangeBreathsPerMinute: ClosedRange<Double> = 2...30
    public static let swellDepthRangeLU: ClosedRange<Double> = 0...12

    /// Creates a store whose targets are also the renderer's starting values (no ramp at start).
    public init(
        tempoBPM: Double = 60, loudnessLUFS: Double = -26, swellBreathsPerMinute: Double = 6,
        swellDepthLU: Double = 0, brightness: Double = 0.5, tension: Double = ParameterStore.defaultTension
    ) {
        tempoBits = Atomic(Self.tempoRangeBPM.clamp(tempoBPM).bitPattern)
        loudnessBits = Atomic(Self.loudnessRangeLUFS.clamp(loudnessLUFS).bitPattern)
        swellRateBits = Atomic(Self.swellRateRangeBreathsPerMinute.clamp(swellBreathsPerMinute).bitPattern)
        swellDepthBits = Atomic(Self.swellDepthRangeLU.clamp(swellDepthLU).bitPattern)
        brightnessBits = Atomic((0.0...1.0).clamp(brightness).bitPattern)
        tensionBits = Atomic((0.0...1.0).clamp(tension).bitPattern)
    }

    /// The tension of the piece as it was before it had a tension: D major (README "The music").
    public static let defaultTension = Piece.defaultTension

    // MARK: Targets (control side writes, render side ramps)

    /// Target tempo of the beat clock, beats per minute (clamped to `tempoRangeBPM`).
    public func setTempoBPM(_ bpm: Double) { tempoBits.store(Self.tempoRangeBPM.clamp(bpm).bitPattern, ordering: .relaxed) }
    /// Target integrated level of the output, LUFS per ITU-R BS.1770-4 (clamped to `loudnessRangeLUFS`).
    public func setLoudnessLUFS(_ lufs: Double) {
        loudnessBits.store(Self.loudnessRangeLUFS.clamp(lufs).bitPattern, ordering: .relaxed)
    }
    /// Rate of the breath swell, breaths per minute.
    public func setSwellBreathsPerMinute(_ rate: Double) {
        swellRateBits.store(Self.swellRateRangeBreathsPerMinute.clamp(rate).bitPattern, ordering: .relaxed)
    }
    /// Depth of the breath swell, peak to trough in LU; 0 turns it off.
    public func setSwellDepthLU(_ depth: Double) {
        swellDepthBits.store(Self.swellDepthRangeLU.clamp(depth).bitPattern, ordering: .relaxed)
    }
    /// Timbre brightness 0 (dark, low pad cutoff) ... 1 (open).
    public func setBrightness(_ value: Double) { brightnessBits.store((0.0...1.0).clamp(value).bitPattern, ordering: .relaxed) }

    /// Tension 0 (calm: major, slow harmony, sparse low melody, dark, long tail) ... 1 (tense: minor,
    /// chords every bar or faster, dense high melody, bright, short tail); clamped to 0 ... 1. The
    /// mode moves only on bar lines.
    public func setTension(_ value: Double) { tensionBits.store((0.0...1.0).clamp(value).bitPattern, ordering: .relaxed) }

    public var tempoBPM: Double { Double(bitPattern: tempoBits.load(ordering: .relaxed)) }
    public var loudnessLUFS: Double { Double(bitPattern: loudnessBits.load(ordering: .relaxed)) }
    public var swellBreathsPerMinute: Double { Double(bitPattern: swellRateBits.load(ordering: .relaxed)) }
    public var swellDepthLU: Double { Double(bitPattern: swellDepthBits.load(ordering: .relaxed)) }
    public var brightness: Double { Double(bitPattern: brightnessBits.load(ordering: .relaxed)) }
    public var tension: Double { Double(bitPattern: tensionBits.load(ordering: .relaxed)) }

    // MARK: Render-side state (render side writes, anyone reads)

    /// Frames the renderer has produced since it was created (the watchdog's liveness signal).
    public var framesRendered: UInt64 { framesRenderedCount.load(ordering: .relaxed) }
    /// Beats the beat clock has struck since the start (the first beat is struck at frame 0).
    public var beatCount: UInt64 { beatCountValue.load(ordering: .relaxed) }
    /// Position in the current breath swell cycle, 0 ..< 1; 0.25 is the loudest point (inhale peak).
    public var swellPhase: Double { Double(bitPattern: swellPhaseBits.load(ordering: .relaxed)) }
    /// Momentary loudness (400 ms) of what was rendered, LUFS; -infinity before 400 ms.
    public var momentaryLUFS: Double { Double(bitPattern: momentaryBits.load(ordering: .relaxed)) }
    /// Short-term loudness (3 s) of what was rendered, LUFS; -infinity before 3 s.
    public var shortTermLUFS: Double { Double(bitPattern: shortTermBits.load(ordering: .relaxed)) }
    /// Output underruns recovered so far (counted by the live output).
    public var underruns: UInt64 { underrunCount.load(ordering: .relaxed) }

    /// Counts one recovered underrun; called by output adapters.
    public func recordUnderrun() { underrunCount.add(1, ordering: .relaxed) }
}

extension ClosedRange where Bound == Double {
    /// Clamps, mapping NaN to the lower bound so a NaN target can never reach the render thread.
    func clamp(_ value: Double) -> Double {
        guard !value.isNaN else { return lowerBound }
        return Swift.min(Swift.max(value, lowerBound), upperBound)
    }
}
