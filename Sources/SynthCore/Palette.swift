// SPDX-License-Identifier: Apache-2.0

/// The instrumentation a client chooses: the same piece (harmony, melody, pulse, the tension
/// ladder), played by a different ensemble. Receptive music therapy chooses the music "based upon the
/// preferences and goals of the clients" (README "The music"); one sound for everyone is not that.
///
/// Every palette obeys the same controls (tempo, loudness, swell, brightness, tension) through the
/// same render path: a palette is only numbers for the existing voice banks (`Palette.Voicing`), so
/// the loudness calibration, the −1 dBTP ceiling and the render cost are those of the default. The
/// raw values are the names on the command line (`--palette`), in the configuration
/// (`session.palette`), in the control API (`"palette"`) and in the journal.
public enum Palette: String, Sendable, Hashable, CaseIterable {
    /// A warm string-machine pad, glassy FM mallets and a marimba pulse: the piece as it always was.
    case ambient
    /// A felt piano over soft, slow strings, the pulse a low piano note.
    case piano
    /// A kalimba over a tanpura-like drone on D and A, the pulse a soft frame drum.
    case kalimba
    /// A low choir-like pad with a breathy flute, the pulse a heartbeat.
    case choir

    /// The palette a session has when nobody chose one.
    public static let `default` = Palette.ambient

    /// The palette named `name` (its raw value, any case), or nil.
    public init?(named name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// A short name for a kiosk button.
    public var title: String {
        switch self {
        case .ambient: "Ambient"
        case .piano: "Piano"
        case .kalimba: "Kalimba"
        case .choir: "Choir"
        }
    }

    /// One line for `lull render --list-palettes`.
    public var summary: String {
        switch self {
        case .ambient: "warm string-machine pad, glassy mallet melody, marimba pulse (the default)"
        case .piano: "felt piano melody over soft, dark, slow strings, a low piano note on the beat"
        case .kalimba: "kalimba melody over a tanpura-like drone on D and A, a soft frame drum on the beat"
        case .choir: "low choir-like pad with a breathy flute, a heartbeat on the beat"
        }
    }

    /// The numbers each voice bank plays a palette with. The default palette's are exactly the
    /// constants the banks had before palettes existed, so its render is sample for sample the same.
    public struct Voicing: Sendable, Hashable {
        // Pad (PadBank: two detuned saws a note, under slow one-pole envelopes).
        var padLevel: Float = 0.09
        var padAttackSeconds: Float = 1.4
        var padReleaseSeconds: Float = 1.2
        /// Detune of each note's two saws: base + span × a seeded draw, in cents.
        var padDetuneCents: Float = 3
        var padDetuneSpanCents: Float = 4
        /// Semitones the pad's voicing is moved by (−12: the choir sings an octave lower).
        var padTranspose = 0
        /// The pad filter's cutoff is multiplied by this (below 1: darker, softer).
        var padCutoffScale: Float = 1
        /// Instead of the chord, the pad holds D and A (notes common to every rung of the ladder).
        var padDrone = false
        var bassLevel: Float = 0.11

        // Melody (BellBank: two-operator FM whose index decays with the note).
        var melodyAttackSeconds: Float = 0.008
        var melodyDecaySeconds: Float = 1.3
        var melodyIndexDecaySeconds: Float = 0.35
        /// Peak modulation index at full velocity, in turns.
        var melodyIndexTurns: Float = 0.16
        /// Modulator frequency over carrier frequency: 1 is harmonic (bell, piano), 2 adds the
        /// octave's colour (a flute's strong second harmonic), a non-integer is inharmonic (a tine).
        var melodyRatio: Float = 1
        var melodyGain: Float = 0.3
        var melodyTranspose = 0

        // Pulse (PulseAndBassBank: body, partial and thump, struck on every beat).
        var pulseBodyLevel: Float = 0.7
        var pulseBodyDecaySeconds: Float = 0.32
        var pulsePartialRatio: Float = 3.93
        var pulsePartialLevel: Float = 0.22
        var pulsePartialDecaySeconds: Float = 0.045
        var pulseThumpLevel: Float = 0.4
        var pulseThumpHertz: Float = 58
        var pulseThumpDecaySeconds: Float = 0.11

        /// The air layer's level, relative to the default's.
        var airScale: Float = 1
        /// The palette's dry-mix loudness at unit gain (the level control starts from it).
        var nominalDryLUFS = -17.0
    }

    /// This palette's numbers.
    public var voicing: Voicing {
        var v = Voicing()
        switch self {
        case .ambient:
            break
        case .piano:
            // A felt piano: a soft hammer (the index falls in 0.12 s), a long decay (a stolen voice is
            // retuned where it is, so the decay stays short enough that the oldest of eight is quiet
            // by then, or the retune clicks); strings
            // that swell in slowly with a wider ensemble detune and a darker filter.
            v.melodyAttackSeconds = 0.011
            v.melodyDecaySeconds = 1.9
            v.melodyIndexDecaySeconds = 0.12
            v.melodyIndexTurns = 0.16
            v.melodyGain = 0.45
            v.padLevel = 0.045
            v.padAttackSeconds = 2.2
            v.padReleaseSeconds = 1.8
            v.padDetuneCents = 5
            v.padDetuneSpanCents = 6
            v.padCutoffScale = 0.45
            v.pulseBodyLevel = 0.6
            v.pulseBodyDecaySeconds = 0.5
            v.pulsePartialRatio = 2
            v.pulsePartialLevel = 0.15
            v.pulsePartialDecaySeconds = 0.12
            v.pulseThumpLevel = 0.25
            v.nominalDryLUFS = -18.0
        case .kalimba:
            // Tines: an inharmonic modulator (2.5 × the note) that dies in 60 ms gives the metallic
            // pluck, then a short near-sine ring. A drone under it, and a drum.
            v.melodyAttackSeconds = 0.012
            v.melodyDecaySeconds = 0.9
            v.melodyIndexDecaySeconds = 0.06
            v.melodyIndexTurns = 0.12
            v.melodyRatio = 2.5
            v.melodyGain = 0.36
            // The drone is close and still, as a tanpura's is: a tight detune (its filter no brighter
            // than the default's, where the saws' resets would start to click).
            v.padDrone = true
            v.padLevel = 0.06
            v.padAttackSeconds = 3
            v.padDetuneCents = 1
            v.padDetuneSpanCents = 1.5
            v.padCutoffScale = 1.0
            v.pulseBodyLevel = 0.55
            v.pulseBodyDecaySeconds = 0.25
            v.pulsePartialRatio = 1.5
            v.pulsePartialLevel = 0.12
            v.pulsePartialDecaySeconds = 0.05
            v.pulseThumpLevel = 0.45
            v.pulseThumpHertz = 64
            v.pulseThumpDecaySeconds = 0.12
            v.nominalDryLUFS = -19.0
        case .choir:
            // Voices: a low, dark, widely detuned pad; a flute that breathes in (70 ms) with its
            // second harmonic and little else; more air; the pulse mostly a heartbeat's thump.
            v.padTranspose = -12
            v.padLevel = 0.12
            v.padAttackSeconds = 2.5
            v.padReleaseSeconds = 2
            v.padDetuneCents = 6
            v.padDetuneSpanCents = 8
            v.padCutoffScale = 0.45
            v.melodyAttackSeconds = 0.07
            v.melodyDecaySeconds = 2
            v.melodyIndexDecaySeconds = 0.5
            v.melodyIndexTurns = 0.05
            v.melodyRatio = 2
            v.melodyGain = 0.26
            v.pulseBodyLevel = 0.45
            v.pulseBodyDecaySeconds = 0.25
            v.pulsePartialRatio = 2
            v.pulsePartialLevel = 0.05
            v.pulseThumpLevel = 0.6
            v.pulseThumpHertz = 55
            v.pulseThumpDecaySeconds = 0.14
            v.airScale = 1.5
            v.nominalDryLUFS = -19.0
        }
        return v
    }
}
