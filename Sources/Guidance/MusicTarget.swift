// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a session is in the iso principle: meet the listener, lead slowly, wait when they do not
/// follow, end softly (Altshuler's iso principle as used in receptive music therapy; Heiderscheit &
/// Madson 2015, "Use of the iso principle as a central method in mood management", Music Ther Perspect
/// 33(1):45-52). Raw values are the journal's and the JSON lines' spelling.
public enum GuidancePhase: String, Sendable, Hashable, CaseIterable {
    /// The first minutes: tempo from their heart rate, a level that does not startle, a swell at
    /// their own breathing rate.
    case match
    /// Slow, soften, and pace the breath a step (about 75 %) below their current rate toward ~6/min.
    case lead
    /// The listener is not following or is more activated: the music waits, and steps back if needed.
    case hold
    /// The last minutes: the music slows a little more, softens and fades out. Never a cut.
    case close
}

/// Why the controller is in `hold`.
public enum HoldReason: String, Sendable, Hashable, CaseIterable {
    /// Their breathing stayed well above the guide for longer than the patience allows.
    case notFollowing = "not_following"
    /// Heart rate rose or RMSSD fell against their recent trend or their matched start.
    case activated
}

/// Why the music did not move on this update although time passed.
///
/// The controller never moves the music because of data it cannot trust; time-driven parts (the
/// close phase and its fade) still run so a session always ends softly and on time.
public enum FreezeReason: String, Sendable, Hashable, CaseIterable {
    /// The artifact filter flagged the newest beat (`HRVSnapshot.flag != .ok`).
    case artifact
    /// The strap reported no skin contact for the newest beat.
    case noContact = "no_contact"
    /// Too many beats in the HRV window were flagged for its metrics to be trusted.
    case artifactBurden = "artifact_burden"
    /// No beat arrived (strap gap, reconnect): `IsoController.update(sessionSeconds:signal:)`.
    case gap
    /// The snapshot has no heart rate yet (too little data).
    case noData = "no_data"
}

/// What the music should do now: the controller's output, read by the audio engine and the journal.
///
/// Loudness model: the swell moves the level between `loudnessLUFS - swellDepthLU / 2` and
/// `loudnessLUFS + swellDepthLU / 2` once per guided breath, so the peak is `peakLoudnessLUFS`.
/// `envelopeGain` is the session's own fade-in and fade-out (a linear gain the engine multiplies in),
/// kept apart from `loudnessLUFS` so the therapist's loudness bounds speak about the music's level,
/// not about the first and last seconds of the session.
public struct MusicTarget: Sendable, Equatable {
    /// Beat tempo of the track.
    public var tempoBPM: Double
    /// Programme loudness (EBU R 128 / ITU-R BS.1770), the centre of the swell.
    public var loudnessLUFS: Double
    /// Rate of the loudness swell that guides breathing.
    public var swellBreathsPerMinute: Double
    /// Peak-to-peak depth of the swell.
    public var swellDepthLU: Double
    /// Timbre brightness, 0 (dark, soft filter) ... 1 (bright).
    public var brightness: Double
    /// Musical tension, 0 (calm: major, long chords, sparse low melody) ... 1 (tense: minor, a chord
    /// every bar, dense high melody); SynthCore's ladder of modes (README "The music").
    public var tension: Double
    /// Session envelope: 0 before the first heart rate is known and at the very end, 1 in between.
    public var envelopeGain: Double
    public var phase: GuidancePhase
    /// Set exactly when `phase == .hold`.
    public var holdReason: HoldReason?
    /// Set when this update was frozen by untrusted or missing data.
    public var freezeReason: FreezeReason?

    public init(
        tempoBPM: Double, loudnessLUFS: Double, swellBreathsPerMinute: Double, swellDepthLU: Double,
        brightness: Double, envelopeGain: Double, phase: GuidancePhase, holdReason: HoldReason? = nil,
        freezeReason: FreezeReason? = nil, tension: Double = 0.3
    ) {
        self.tempoBPM = tempoBPM
        self.loudnessLUFS = loudnessLUFS
        self.swellBreathsPerMinute = swellBreathsPerMinute
        self.swellDepthLU = swellDepthLU
        self.brightness = brightness
        self.tension = tension
        self.envelopeGain = envelopeGain
        self.phase = phase
        self.holdReason = holdReason
        self.freezeReason = freezeReason
    }

    /// The loudest point of the swell; never above the configured ceiling.
    public var peakLoudnessLUFS: Double { loudnessLUFS + swellDepthLU / 2 }

    /// The level the music is heard at: `loudnessLUFS` lowered by the fade envelope, or -120 LUFS
    /// (nothing) while the envelope is closed. What the synth is given and what a listener hears.
    public var heardLoudnessLUFS: Double {
        envelopeGain > 0 ? loudnessLUFS + 20 * log10(envelopeGain) : -120
    }
}

/// A way to advance the controller when no beat arrived.
public enum GuidanceSignal: String, Sendable, Hashable {
    /// The strap is silent or reconnecting: freeze the lead, keep the clock.
    case gap
}
