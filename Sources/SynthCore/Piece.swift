// SPDX-License-Identifier: Apache-2.0

/// The composition: which chord sounds, which beat is accented, and when the melody plays what.
///
/// The harmony walks a Markov graph of diatonic chords in D major, voiced with added ninths and
/// sevenths and no minor seconds inside a voicing, so every chord is consonant and every move is a
/// common-tone or stepwise change (the "slowly moving consonant harmony" of ambient music; cf. Eno's
/// *Music for Airports* loops and the modal planing of much relaxation music). Chords change on bar
/// lines, after one or two bars. The melody plays the D major pentatonic scale (no semitones) in
/// phrases of two bars separated by rests, and a phrase sometimes repeats the last one's rhythm and
/// contour from a new starting note, so twenty minutes vary without ever turning into noodling.
///
/// Tension (0 calm ... 1 tense; README "The music") moves the mode along a ladder on the one tonic
/// D, ionian → mixolydian → dorian → aeolian, each rung lowering one degree by a semitone (C♯ → C,
/// F♯ → F, B → B♭), and with it the chord rhythm, the melody's density and register. It is read only
/// on bar lines, so a rung is always taken as a new bar begins, never inside one. At the default
/// tension (`defaultTension`, the ionian rung) every choice and every random draw is the piece's
/// as it was before tension existed.
///
/// Tables are `switch` functions rather than global arrays: a global is initialised lazily behind a
/// lock, which the render path must not touch.
struct Piece: Sendable {
    static let beatsPerBar = 4
    static let chordCount = 7
    /// The tension of the ionian piece with one- and two-bar chords.
    static let defaultTension = 0.3

    /// The modes of the ladder, calm to tense (Temperley & Tan 2013 rate them happiest to saddest in
    /// this order; Gabrielsson & Lindström 2010 review major as calm/happy, minor as sad/tense).
    enum Mode: Int, Sendable, CaseIterable {
        case ionian = 0, mixolydian, dorian, aeolian

        /// The rung for a tension: ionian below 0.4, mixolydian to 0.6, dorian to 0.8, aeolian above.
        static func forTension(_ tension: Float) -> Mode {
            tension < 0.4 ? .ionian : tension < 0.6 ? .mixolydian : tension < 0.8 ? .dorian : .aeolian
        }
    }

    private var random: SeededRandom
    private(set) var chord = 0
    private(set) var mode = Mode.ionian
    /// Tension as read on the last bar line.
    private(set) var barTension = Float(defaultTension)
    private var barsLeftInChord = 2
    /// Tense rungs may change chord again on the bar's third beat.
    private var changeAtHalfBar = false
    private(set) var beatInBar = 0
    private var beatsSeen: UInt64 = 0

    // Melody state.
    private var scaleStep = 5
    private var phraseEighth = 0
    private var phrasePlaying = false
    private var barsOfRestLeft = 1
    private var density: Float = 0.25
    private var patternHits: UInt16 = 0
    private var patternSteps: UInt64 = 0  // 16 signed 4-bit steps
    private var hasPattern = false
    private var repeatingPattern = false
    /// The melody's range in scale steps (3 ... 9 is A4 ... B5 at the default tension).
    private var lowestStep = 3
    private var highestStep = 9

    init(seed: UInt64, tension: Double = defaultTension) {
        random = SeededRandom(seed: seed ^ 0x4C75_6C6C)
        barTension = Float(tension)
        mode = Mode.forTension(barTension)
    }

    /// `note` (MIDI, written in D major) in `mode`: the ladder lowers C♯, then F♯, then B.
    static func inMode(_ note: Int, _ mode: Mode) -> Int {
        let pitchClass = ((note - 62) % 12 + 12) % 12
        switch (pitchClass, mode) {
        case (11, .mixolydian), (11, .dorian), (11, .aeolian), (4, .dorian), (4, .aeolian), (9, .aeolian): return note - 1
        default: return note
        }
    }

    /// Chord `index` in `mode`: the D major voicing with the mode's lowered degrees, except where a
    /// lowered note would sit a semitone from a neighbour (D add9 → Dm7; A sus4 add9 → Am7 and
    /// G add9 → Gm7 in aeolian), so the minor rungs keep the piece's no-minor-second voicings.
    static func voicing(_ index: Int, mode: Mode) -> (bass: Int, notes: (Int, Int, Int, Int)) {
        if mode == .ionian { return voicing(index) }
        switch (index, mode) {
        case (0, .dorian), (0, .aeolian): return (38, (57, 60, 62, 65))
        case (4, .aeolian): return (45, (57, 60, 64, 67))
        case (6, .aeolian): return (43, (55, 58, 62, 65))
        default:
            let v = voicing(index)
            return (
                inMode(v.bass, mode),
                (inMode(v.notes.0, mode), inMode(v.notes.1, mode), inMode(v.notes.2, mode), inMode(v.notes.3, mode))
            )
        }
    }

    /// Bass note and four-note voicing (MIDI) of chord `index`.
    static func voicing(_ index: Int) -> (bass: Int, notes: (Int, Int, Int, Int)) {
        switch index {
        case 0: (38, (57, 62, 64, 66))  // D add9: A D E F#
        case 1: (43, (55, 59, 62, 66))  // G maj7: G B D F#
        case 2: (47, (54, 57, 62, 64))  // B m7(11): F# A D E
        case 3: (40, (55, 59, 62, 66))  // E m9 (no root): G B D F# over E
        case 4: (45, (57, 59, 62, 64))  // A sus4 add9: A B D E
        case 5: (42, (57, 61, 64, 69))  // F# m7: A C# E A
        default: (43, (57, 59, 62, 67))  // G add9: A B D G
        }
    }

    /// The chords that may follow chord `index` (four choices, repeats weight the likely ones).
    static func successors(_ index: Int) -> (Int, Int, Int, Int) {
        switch index {
        case 0: (1, 2, 4, 6)
        case 1: (0, 2, 3, 0)
        case 2: (1, 3, 6, 5)
        case 3: (4, 1, 4, 6)
        case 4: (0, 2, 0, 6)
        case 5: (1, 2, 6, 1)
        default: (0, 2, 4, 0)
        }
    }

    /// MIDI note of pentatonic scale step `step` (0 = D4) in `mode`, repeating by octaves. Each mode
    /// has the five-note scale of its own colour without semitones: major D E F♯ A B, dominant
    /// D E F♯ A C, minor-sixth D F G A B (dorian's natural sixth), minor D F G A C.
    static func pentatonicNote(step: Int, mode: Mode = .ionian) -> Int {
        let octave = step >= 0 ? step / 5 : (step - 4) / 5
        let degree = step - octave * 5
        let offset: Int
        switch (degree, mode) {
        case (0, _): offset = 0
        case (1, .ionian), (1, .mixolydian): offset = 2
        case (1, _): offset = 3
        case (2, .ionian), (2, .mixolydian): offset = 4
        case (2, _): offset = 5
        case (3, _): offset = 7
        case (_, .ionian), (_, .dorian): offset = 9
        default: offset = 10
        }
        return 62 + 12 * octave + offset
    }

    struct Beat {
        var isDownbeat: Bool
        var chordChanged: Bool
        /// Pulse loudness, 1 on the downbeat.
        var accent: Float
    }

    /// Advances to the next beat (the first call is the piece's first beat); `tension` is read only
    /// when the beat is a downbeat.
    mutating func beat(tension: Float = Float(defaultTension)) -> Beat {
        defer { beatsSeen += 1 }
        if beatsSeen == 0 { return Beat(isDownbeat: true, chordChanged: true, accent: 1) }
        beatInBar = (beatInBar + 1) % Self.beatsPerBar
        guard beatInBar == 0 else {
            if beatInBar == 2 && changeAtHalfBar {
                changeAtHalfBar = false
                nextChord()
                return Beat(isDownbeat: false, chordChanged: true, accent: 0.8)
            }
            return Beat(isDownbeat: false, chordChanged: false, accent: beatInBar == 2 ? 0.8 : 0.7)
        }
        barTension = tension
        let newMode = Mode.forTension(tension)
        var changed = newMode != mode
        mode = newMode
        barsLeftInChord -= 1
        if barsLeftInChord <= 0 {
            nextChord()
            barsLeftInChord = Self.barsToHold(tension: tension, draw: random.unit())
            if mode == .aeolian { changeAtHalfBar = random.unit() < 0.5 }
            changed = true
        }
        if phrasePlaying == false {
            barsOfRestLeft -= 1
            if barsOfRestLeft <= 0 { startPhrase() }
        }
        return Beat(isDownbeat: true, chordChanged: changed, accent: 1)
    }

    private mutating func nextChord() {
        let choices = Self.successors(chord)
        switch random.below(4) {
        case 0: chord = choices.0
        case 1: chord = choices.1
        case 2: chord = choices.2
        default: chord = choices.3
        }
    }

    /// Bars a new chord is held for, from one uniform draw: one bar on the tense rungs (tension 0.4
    /// and above; aeolian may change again mid-bar), one or two (mostly two) at the default, two to
    /// four once calm (below 0.2): the harmonic rhythm slows as the music calms.
    static func barsToHold(tension: Float, draw: Float) -> Int {
        if tension >= 0.6 { return 1 }
        if tension >= 0.4 { return draw < 0.25 ? 2 : 1 }
        if tension >= 0.2 { return draw < 0.75 ? 2 : 1 }
        return 2 + min(Int(draw * 3), 2)
    }

    private mutating func startPhrase() {
        phrasePlaying = true
        phraseEighth = 0
        // Denser and higher as tension rises (Gabrielsson & Lindström 2010: more events and higher
        // pitch go with activity and tension): ×0.58 at calm, ×1 at the default, ×1.98 at 1; the
        // range moves from E4–F♯5 (calm) up to D5–E6 (tense) in whole scale steps.
        let fromDefault = barTension - Float(Self.defaultTension)
        density = (0.18 + 0.3 * random.unit()) * (1 + fromDefault * 1.4)
        let shift = Int(fromDefault * 5 + 10.5) - 10
        lowestStep = 3 + shift
        highestStep = 9 + shift
        repeatingPattern = hasPattern && random.unit() < 0.45
        if repeatingPattern {
            // Same rhythm and contour, from a nearby start: variation by transposition.
            scaleStep = min(max(scaleStep + random.below(5) - 2, lowestStep - 1), highestStep)
        } else {
            patternHits = 0
            patternSteps = 0
        }
    }

    /// A melody note to play on this eighth, if any: (MIDI note, velocity 0...1).
    mutating func eighth() -> (note: Int, velocity: Float)? {
        guard phrasePlaying else { return nil }
        let position = phraseEighth
        phraseEighth += 1
        if phraseEighth == 16 {
            phrasePlaying = false
            hasPattern = true
            // Rests between phrases shorten as tension rises (one bar on the tense rungs).
            let rest = 1 + random.below(4)
            barsOfRestLeft = barTension >= 0.6 ? 1 : barTension >= 0.4 ? min(rest, 2) : rest
        }
        let hit: Bool
        let step: Int
        if repeatingPattern {
            hit = patternHits & (1 << position) != 0
            let nibble = Int((patternSteps >> (UInt64(position) * 4)) & 0xF)
            step = nibble >= 8 ? nibble - 16 : nibble
        } else {
            // Notes favour the beat over the off-beat, so the line sits with the pulse.
            let weight: Float = position % 2 == 0 ? 1.3 : 0.6
            hit = random.unit() < density * weight
            let roll = random.below(10)
            step = roll < 3 ? -1 : roll < 6 ? 1 : roll < 8 ? -2 : roll < 9 ? 2 : 0
            if hit {
                patternHits |= 1 << position
                patternSteps |= UInt64(step & 0xF) << (UInt64(position) * 4)
            }
        }
        guard hit else { return nil }
        scaleStep += step
        // Keep the line in its range (A4–B5 at the default); reflect rather than clamp so it never
        // sticks to an edge (and a line left above a range that has just moved down walks back into it).
        if scaleStep < lowestStep { scaleStep = min(lowestStep + (lowestStep - scaleStep), highestStep) }
        if scaleStep > highestStep { scaleStep = max(highestStep - (scaleStep - highestStep), lowestStep) }
        let velocity = 0.55 + 0.45 * random.unit()
        return (Self.pentatonicNote(step: scaleStep, mode: mode), velocity)
    }

    /// A random value in 0 ..< 1 for expressive choices (pan, detune) that do not affect the form.
    mutating func unit() -> Float { random.unit() }
}
