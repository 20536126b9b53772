// SPDX-License-Identifier: Apache-2.0
package import SynthCore

/// Reads the renderer's swell phase (an atomic the render thread publishes once per block).
package struct SwellProbe: Sendable {
    package let store: ParameterStore
    /// Rendered but not yet heard (the device buffer), for live output.
    package let latencySeconds: Double
    /// Live output runs by the device's clock; offline rendering stops at the last beat delivered.
    package let live: Bool
    package let sampleRate: Double

    package func phase(atSessionSeconds seconds: Double, breathsPerMinute: Double) -> Double {
        let rendered = store.swellPhase
        let ahead = live ? latencySeconds : Double(store.framesRendered) / sampleRate - seconds
        let x = rendered - breathsPerMinute / 60 * ahead
        return x - x.rounded(.down)
    }
}
