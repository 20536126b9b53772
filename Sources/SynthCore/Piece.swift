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
/// Tables are `switch` functions rather than global arrays: a global is initialised lazily behind a
/// lock, which the render path must not touch.
struct Piece: Sendable {
    static let beatsPerBar = 4
    static let chordCount = 7

    private var random: SeededRandom
    private(set) var chord = 0
    private var barsLeftInChord = 2
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

    init(seed: UInt64) { random = SeededRandom(seed: seed ^ 0x4C75_6C6C) }

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

    /// MIDI note of pentatonic scale step `step` (0 = D4); D E F# A B repeating by octaves.
    static func pentatonicNote(step: Int) -> Int {
        let octave = step >= 0 ? step / 5 : (step - 4) / 5
        let degree = step - octave * 5
        let offset: Int
        switch degree {
        case 0: offset = 0
        case 1: offset = 2
        case 2: offset = 4
        case 3: offset = 7
        default: offset = 9
        }
        return 62 + 12 * octave + offset
    }

    struct Beat {
        var isDownbeat: Bool
        var chordChanged: Bool
        /// Pulse loudness, 1 on the downbeat.
        var accent: Float
    }

    /// Advances to the next beat (the first call is the piece's first beat).
    mutating func beat() -> Beat {
        defer { beatsSeen += 1 }
        if beatsSeen == 0 { return Beat(isDownbeat: true, chordChanged: true, accent: 1) }
        beatInBar = (beatInBar + 1) % Self.beatsPerBar
        guard beatInBar == 0 else { return Beat(isDownbeat: false, chordChanged: false, accent: beatInBar == 2 ? 0.8 : 0.7) }
        barsLeftInChord -= 1
        var changed = false
        if barsLeftInChord == 0 {
            let choices = Self.successors(chord)
            switch random.below(4) {
            case 0: chord = choices.0
            case 1: chord = choices.1
            case 2: chord = choices.2
            default: chord = choices.3
            }
            barsLeftInChord = random.unit() < 0.75 ? 2 : 1
            changed = true
        }
        if phrasePlaying == false {
            barsOfRestLeft -= 1
            if barsOfRestLeft <= 0 { startPhrase() }
        }
        return Beat(isDownbeat: true, chordChanged: changed, accent: 1)
    }

    private mutating func startPhrase() {
        phrasePlaying = true
        phraseEighth = 0
        density = 0.18 + 0.3 * random.unit()
        repeatingPattern = hasPattern && random.unit() < 0.45
        if repeatingPattern {
            // Same rhythm and contour, from a nearby start: variation by transposition.
            scaleStep = min(max(scaleStep + random.below(5) - 2, 2), 9)
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
            barsOfRestLeft = 1 + random.below(4)
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
        // Keep the line between A4 and B5; reflect rather than clamp so it never sticks to an edge.
        if scaleStep < 3 { scaleStep = 3 + (3 - scaleStep) }
        if scaleStep > 9 { scaleStep = 9 - (scaleStep - 9) }
        let velocity = 0.55 + 0.45 * random.unit()
        return (Self.pentatonicNote(step: scaleStep), velocity)
    }

    /// A random value in 0 ..< 1 for expressive choices (pan, detune) that do not affect the form.
    mutating func unit() -> Float { random.unit() }
}
