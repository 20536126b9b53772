// SPDX-License-Identifier: Apache-2.0

/// Capped exponential backoff with "equal jitter" for reconnecting to a strap.
///
/// Attempt n waits `d/2 + u * d/2` seconds with `d = min(cap, base * 2^(n-1))` and u uniform in
/// [0, 1) (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015): half the delay
/// is guaranteed, so a strap that is off is not hammered, and the other half is random, so several
/// daemons do not retry in lockstep. The cap bounds how long after a strap comes back Lull notices:
/// with the default 3 s cap, at most 3 s plus one connection setup, inside the 5 s the issue allows
/// even when an over-the-air connection and discovery take a second.
public struct ReconnectBackoff: Equatable, Sendable {
    public var baseSeconds: Double
    public var capSeconds: Double

    public init(baseSeconds: Double = 0.25, capSeconds: Double = 3) {
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
    }

    /// The delay before reconnection attempt `attempt` (1-based), given `unitRandom` in [0, 1).
    public func delaySeconds(attempt: Int, unitRandom: Double) -> Double {
        let doublings = Double(min(max(attempt, 1) - 1, 30))
        let ceiling = min(capSeconds, baseSeconds * Double.pow2(doublings))
        return ceiling / 2 + min(max(unitRandom, 0), 1) * ceiling / 2
    }
}

extension Double {
    fileprivate static func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2 }
        return value
    }
}
