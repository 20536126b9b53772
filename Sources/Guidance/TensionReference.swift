// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What "calm" looks like for this listener: the resting heart rate, RMSSD and breathing rate the
/// music's tension is matched against at the start of a session (`IsoController`'s match phase).
///
/// Two sources, and the session says which it used (`source`):
/// - **the client's own baseline**, the median of the last five minutes of their recent sessions in
///   the journal (how they are once settled), when the journal has at least one;
/// - **population norms** otherwise: resting heart rate 70 bpm, RMSSD 42 ms (the mean of short-term
///   resting recordings in Nunan, Sandercock & Brodie 2010, "A quantitative systematic review of
///   normal values for short-term heart rate variability in healthy adults", PACE 33(11):1407-1417),
///   breathing 14 a minute (adults at rest breathe 12-16 a minute).
///
/// The same listener is "tense" against a low personal baseline sooner than against the norms:
/// that is the point of having their own.
public struct TensionReference: Sendable, Equatable {
    public enum Source: String, Sendable, Hashable, CaseIterable {
        /// From the client's own earlier sessions in the journal.
        case client
        /// Population norms (no client, or no earlier session of theirs).
        case population
    }

    public var heartRateBPM: Double
    public var rmssdMilliseconds: Double
    public var breathsPerMinute: Double
    public var source: Source
    /// How many of the client's sessions the baseline comes from (0 for the norms).
    public var sessions: Int

    public init(heartRateBPM: Double, rmssdMilliseconds: Double, breathsPerMinute: Double, source: Source, sessions: Int = 0) {
        self.heartRateBPM = heartRateBPM
        self.rmssdMilliseconds = rmssdMilliseconds
        self.breathsPerMinute = breathsPerMinute
        self.source = source
        self.sessions = sessions
    }

    /// The population norms above.
    public static let population = TensionReference(
        heartRateBPM: 70, rmssdMilliseconds: 42, breathsPerMinute: 14, source: .population)

    /// A client's baseline from their settled values (each a median over their recent sessions'
    /// last five minutes); a missing measure takes the norm's value.
    public static func client(
        heartRateBPM: Double?, rmssdMilliseconds: Double?, breathsPerMinute: Double?, sessions: Int
    ) -> TensionReference {
        let norms = population
        return TensionReference(
            heartRateBPM: heartRateBPM ?? norms.heartRateBPM,
            rmssdMilliseconds: rmssdMilliseconds ?? norms.rmssdMilliseconds,
            breathsPerMinute: breathsPerMinute ?? norms.breathsPerMinute, source: .client, sessions: sessions)
    }

    /// The listener's tension on the music's 0 (calm) ... 1 (tense) scale: how far each measure is
    /// from the reference on the activated side, each scored 0 at the reference and 1 at a clearly
    /// anxious distance (heart rate +20 bpm; RMSSD halved, judged on its logarithm as vagal measures
    /// are roughly log-normal; breathing +8 a minute), averaged over the measures present, then placed
    /// between `calmTension` and 1. Nil without a heart rate.
    ///
    /// A listener at their reference is met at the calm end; the anxious simulated listener (HR 90,
    /// RMSSD 17 ms, 18 breaths a minute) against the norms scores about 0.85: dorian turning aeolian,
    /// "slightly fast, minor key".
    public func tension(
        heartRateBPM: Double?, rmssdMilliseconds: Double?, breathsPerMinute: Double?, calmTension: Double
    ) -> Double? {
        guard let heartRateBPM else { return nil }
        func score(_ x: Double) -> Double { min(max(x, 0), 1) }
        var scores = [score((heartRateBPM - self.heartRateBPM) / 20)]
        if let rmssdMilliseconds, rmssdMilliseconds > 0, self.rmssdMilliseconds > 0 {
            scores.append(score(log2(self.rmssdMilliseconds / rmssdMilliseconds)))
        }
        if let breathsPerMinute { scores.append(score((breathsPerMinute - self.breathsPerMinute) / 8)) }
        let arousal = scores.reduce(0, +) / Double(scores.count)
        return calmTension + (1 - calmTension) * arousal
    }
}
