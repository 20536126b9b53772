// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources

extension KioskPage {
    /// The client page's script: plain JavaScript against the control API (`/api/status`, `/api/events`,
    /// `/api/start`, `/api/stop`), nothing else. It never asks for `/api/sessions`: the client page shows
    /// no other client's data.
    ///
    /// The breathing guide follows the contract's swell clock: at Unix time `wall_ms` the music's swell
    /// is at `swell_phase` turns, and it advances `guide_breaths_per_min / 60 * time_scale` turns per
    /// second. Every animation frame extrapolates from the newest `swell` or `beat` event, so the circle
    /// is largest exactly when the swell is loudest (phase 0.25, gain sin(2*pi*phase)) and keeps in step
    /// between events and through strap gaps. `window.lullGuide` shows what was drawn, for the kiosk test.
    static let clientScript: String = text(PackageResources.client_js)
}
