// SPDX-License-Identifier: Apache-2.0
import Foundation
public import HRVCore
public import SessionStore

/// One recorded session, analysed for the therapist: the Task Force 5-minute windows of its beats
/// (through `RecordingAnalysis`, exactly as `lull hrv` analyses a file, so an exported Kubios file
/// gives the same numbers), its phases, strap gaps, artifacts and time to calm. Pure: no I/O.
public struct SessionAnalysis: Sendable {
    /// Task Force 1996 short-term recording length.
    public static let windowSeconds = 300.0

    public let session: StoredSession
    /// Corrected-series windows of `windowSeconds` (as `lull hrv FILE --window 300` reports them).
    public let windows: [HRVWindowResult]
    /// Artifact counts of the raw beats in each window (what `lull hrv` reports beside them).
    public let windowArtifacts: [ArtifactCounts]
    /// Session time of the last recorded beat or event, seconds.
    public let durationSeconds: Double
    /// Share of the recorded beats the live filter flagged (or the strap sent without contact), percent.
    public let artifactPercent: Double?
    /// Beats the live filter flagged, session seconds.
    public let flaggedBeatSeconds: [Double]
    /// When the listener first stayed calm (from the session's summary); nil if never or unknown.
    public let timeToCalmSeconds: Double?
    /// Strap gaps from the events: strap_lost to strap_back (or the end of the recording).
    public let gaps: [(start: Double, end: Double)]
    /// Stretches of one phase, from the music rows.
    public let phases: [(phase: String, start: Double, end: Double)]
    /// Heart rate, RMSSD and breathing, first against last 5 minutes, as the live summary and
    /// `lull sessions` show them (one definition: `SessionHeadline`).
    public let headline: SessionHeadline

    public init(_ session: StoredSession) {
        self.session = session
        let beats = session.beats
        let lastEvent = session.events.map(\.seconds).max() ?? 0
        durationSeconds = max(beats.last?.seconds ?? 0, lastEvent)
        headline = SessionHeadline.of(
            summaryJSON: session.record.summaryJSON, snapshots: session.snapshots, durationSeconds: durationSeconds)
        if beats.count >= 3 {
            let series = RecordingAnalysis.filter(milliseconds: beats.map(\.rrMilliseconds))
            windows = RecordingAnalysis.windows(
                of: series.corrected, flags: series.correctedFlags, windowSeconds: Self.windowSeconds
            ).windows
            let raw = RecordingAnalysis.windows(
                of: series.raw, flags: series.rawFlags, windowSeconds: Self.windowSeconds, spectral: false
            ).windows
            var byIndex: [Int: ArtifactCounts] = [:]
            for r in raw { byIndex[r.index] = r.artifacts }
            windowArtifacts = windows.map { byIndex[$0.index] ?? $0.artifacts }
        } else {
            windows = []
            windowArtifacts = []
        }
        let flagged = beats.filter { $0.flag != BeatFlag.ok.rawValue }
        flaggedBeatSeconds = flagged.map(\.seconds)
        artifactPercent = beats.isEmpty ? nil : 100 * Double(flagged.count) / Double(beats.count)
        timeToCalmSeconds = Self.summaryNumber("time_to_calm_s", in: session.record.summaryJSON)
        gaps = Self.gaps(session.events, end: durationSeconds)
        phases = Self.phases(session.music, end: durationSeconds)
    }

    /// The first and last full 5-minute windows (nil when the session has fewer than two).
    public var firstWindow: HRVWindowResult? { windows.count >= 2 ? windows.first : nil }
    public var lastWindow: HRVWindowResult? { windows.count >= 2 ? windows.last : nil }

    /// The start of the session (its first full window), for trends across sessions.
    public var restingWindow: HRVWindowResult? { windows.first }

    static func summaryNumber(_ key: String, in json: String?) -> Double? {
        guard let json, let data = json.data(using: .utf8),
            var object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        // `lull session` writes its summary line, {"summary": {...}}, as it prints it.
        if let inner = object["summary"] as? [String: Any] { object = inner }
        return (object[key] as? NSNumber)?.doubleValue
    }

    static func gaps(_ events: [StoredEvent], end: Double) -> [(start: Double, end: Double)] {
        var result: [(start: Double, end: Double)] = []
        var lostAt: Double?
        for e in events {
            switch e.kind {
            case JournalEventKind.strapLost.rawValue: if lostAt == nil { lostAt = e.seconds }
            case JournalEventKind.strapBack.rawValue, JournalEventKind.strapConnected.rawValue:
                if let start = lostAt { result.append((start, e.seconds)) }
                lostAt = nil
            default: break
            }
        }
        if let start = lostAt { result.append((start, max(start, end))) }
        return result
    }

    static func phases(_ music: [MusicRow], end: Double) -> [(phase: String, start: Double, end: Double)] {
        var result: [(phase: String, start: Double, end: Double)] = []
        for row in music {
            if let last = result.last, last.phase == row.phase { continue }
            if !result.isEmpty { result[result.count - 1].end = row.seconds }
            result.append((row.phase, row.seconds, row.seconds))
        }
        if !result.isEmpty { result[result.count - 1].end = max(result[result.count - 1].start, end) }
        return result
    }
}
