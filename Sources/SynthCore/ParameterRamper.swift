// SPDX-License-Identifier: Apache-2.0

/// Moves a value toward a target along a straight line, so a parameter change is never a step.
///
/// Modelled on AudioKit's `ParameterRamper`: a new target starts a linear ramp from wherever the
/// value is now, lasting `rampFrames`. A slew limit (`maximumChangePerFrame`) stretches ramps that
/// would be too fast to hear as gentle (a 10 LU jump must not arrive in 50 ms). When a caller sets
/// the target for the *end* of each `rampFrames` chunk, the realised value follows a piecewise-linear
/// trajectory exactly, which is what keeps the beat clock on commanded beat times during a glide.
public struct ParameterRamper: Sendable {
    public private(set) var value: Double
    public private(set) var target: Double
    private var increment: Double = 0
    private var remainingFrames = 0
    public let rampFrames: Int
    public let maximumChangePerFrame: Double

    public init(value: Double, rampFrames: Int, maximumChangePerFrame: Double = .infinity) {
        self.value = value
        self.target = value
        self.rampFrames = max(1, rampFrames)
        self.maximumChangePerFrame = maximumChangePerFrame
    }

    /// Starts a new ramp if `newTarget` differs from the current target.
    @inline(__always)
    public mutating func setTarget(_ newTarget: Double) {
        guard newTarget != target else { return }
        target = newTarget
        let distance = newTarget - value
        var frames = rampFrames
        if abs(distance) > maximumChangePerFrame * Double(frames) {
            let exact = abs(distance) / maximumChangePerFrame
            frames = Int(exact)
            if Double(frames) < exact { frames += 1 }  // ceil, spelled so the @_noLocks check can see through it
        }
        remainingFrames = frames
        increment = distance / Double(frames)
    }

    /// Advances one frame and returns the new value.
    @inline(__always)
    public mutating func next() -> Double {
        if remainingFrames > 0 {
            remainingFrames -= 1
            value = remainingFrames == 0 ? target : value + increment
        }
        return value
    }

    /// Advances `frames` frames at once and returns the value after them.
    @inline(__always)
    public mutating func advance(frames: Int) -> Double {
        if remainingFrames > 0 {
            if frames >= remainingFrames {
                remainingFrames = 0
                value = target
            } else {
                remainingFrames -= frames
                value += increment * Double(frames)
            }
        }
        return value
    }
}
