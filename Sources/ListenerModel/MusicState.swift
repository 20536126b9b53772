// SPDX-License-Identifier: Apache-2.0

/// What the simulated listener hears at a beat. Its own small type, so this model depends on neither
/// the controller nor the synthesiser: whoever closes the loop copies the numbers across.
public struct MusicState: Sendable, Equatable {
    public var tempoBPM: Double
    /// Programme loudness; below `MusicState.silenceLUFS` the listener hears no music.
    public var loudnessLUFS: Double
    /// Rate of the loudness swell (the breathing guide).
    public var swellBreathsPerMinute: Double
    /// Peak-to-peak depth of the swell.
    public var swellDepthLU: Double
    /// Where the pacer is in its breath (radians; the swell is loudest at π/2, full inhalation), when
    /// the music paces exactly (the resonance assessment); nil otherwise.
    public var swellPhaseRadians: Double?
    /// The music's tension, 0 (calm) ... 1 (tense), on the scale the listener's arousal is on; 0.3 is
    /// the piece's default (ionian, as it was before it had a tension).
    public var tension: Double

    public init(
        tempoBPM: Double, loudnessLUFS: Double, swellBreathsPerMinute: Double, swellDepthLU: Double,
        swellPhaseRadians: Double? = nil, tension: Double = 0.3
    ) {
        self.tension = tension
        self.tempoBPM = tempoBPM
        self.loudnessLUFS = loudnessLUFS
        self.swellBreathsPerMinute = swellBreathsPerMinute
        self.swellDepthLU = swellDepthLU
        self.swellPhaseRadians = swellPhaseRadians
    }

    /// Below this the model treats the music as absent.
    public static let silenceLUFS: Double = -60

    /// No music at all (a baseline recording, or before the session's fade-in).
    public static let silence = MusicState(
        tempoBPM: 60, loudnessLUFS: -120, swellBreathsPerMinute: 12, swellDepthLU: 0)
}
