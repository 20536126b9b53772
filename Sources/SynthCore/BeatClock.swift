// SPDX-License-Identifier: Apache-2.0

/// A phase-continuous beat clock: the beat position is the running integral of tempo.
///
/// Because position only ever advances by tempo/60/sampleRate per frame, a tempo change bends the
/// beat in progress instead of restarting it: no beat is ever shortened to zero or struck twice.
/// A beat is struck on the first frame whose position reaches the next whole beat, so a strike is at
/// most one frame late against the exact integral (20.8 µs at 48 kHz). The first beat is at frame 0.
public struct BeatClock: Sendable {
    /// Beats elapsed since the start, fractional.
    public private(set) var positionBeats: Double = 0
    /// Beats struck so far.
    public private(set) var beatsStruck: UInt64 = 0
    private let secondsPerFrame: Double

    public init(sampleRate: Int) { secondsPerFrame = 1 / Double(sampleRate) }

    /// Advances one frame at `tempoBPM`; returns true when this frame strikes a beat.
    @inline(__always)
    public mutating func tick(tempoBPM: Double) -> Bool {
        let strikes = positionBeats >= Double(beatsStruck)
        if strikes { beatsStruck += 1 }
        positionBeats += tempoBPM * (1.0 / 60) * secondsPerFrame
        return strikes
    }
}
