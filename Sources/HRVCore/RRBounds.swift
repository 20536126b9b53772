// SPDX-License-Identifier: Apache-2.0

/// The RR intervals Lull accepts, in milliseconds. Anything outside cannot be a heartbeat, and a
/// value such as 1e300 would otherwise reach integer conversions of times and window counts.
///
/// - Live beats (a strap, `lull session --source stdin`): 200–3000 ms, 300 to 20 bpm, the range
///   of a resting or exercising adult heart including bradycardia (Task Force of the ESC and
///   NASPE 1996, Circulation 93:1043, §"Artifacts"; Kubios HRV's own limits are 200–2000 ms for
///   its automatic correction). A live beat outside is an artifact: left out of every metric and
///   given a bounded length so the session clock and the music go on.
/// - Recorded files (`lull hrv`, `--source replay:FILE`): 200–10,000 ms. Long-term Holter
///   recordings hold real sinus pauses longer than 3 s (5.6 s in PhysioNet's chf2db chf201), which
///   the artifact filter judges; a value outside is an error naming its line.
public enum RRBounds {
    public static let liveMilliseconds: ClosedRange<Double> = 200...3000
    public static let recordedMilliseconds: ClosedRange<Double> = 200...10_000

    /// A live beat of any length: itself when within `liveMilliseconds`, else an artifact (no skin
    /// contact, so every metric leaves it out) with the nearest accepted length.
    public static func live(_ beat: RRInterval) -> RRInterval {
        if liveMilliseconds.contains(beat.milliseconds) { return beat }
        let nearest = beat.milliseconds > liveMilliseconds.upperBound ? liveMilliseconds.upperBound : liveMilliseconds.lowerBound
        return RRInterval(milliseconds: nearest, beatTimeSeconds: beat.beatTimeSeconds, contact: false)
    }
}
