// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources

extension KioskPage {
    /// "Find my breathing pace" beside Start: the button starts the resonance assessment
    /// (`POST /api/start {"plan": "assess"}`); during it the session screen says which step it is and
    /// at what pace to breathe with the music; at its end the result comes first on the closing
    /// screen, in plain words. Its own listener on the event stream, so the session page is unchanged.
    static let assessmentStyle: String = text(PackageResources.assessment_css)

    static let assessmentScript: String = text(PackageResources.assessment_js)
}
