// SPDX-License-Identifier: Apache-2.0
import Foundation
import SessionStore

/// A journal in a fresh temporary folder, with sessions recorded through the real recorder.
final class JournalFixture {
    let folder: URL
    let database: SessionDatabase

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try SessionDatabase(path: folder.appendingPathComponent("j.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// RR of a calm breather: 60000/hr ms with a 6-per-minute sinusoidal swing of `swingMilliseconds`.
    static func rr(count: Int, heartRateBPM: Double, swingMilliseconds: Double) -> [Double] {
        var t = 0.0
        return (0..<count).map { _ in
            let rr = 60_000 / heartRateBPM + swingMilliseconds * sin(2 * Double.pi * 0.1 * t)
            t += rr / 1000
            return rr
        }
    }

    /// Records one session of `minutes`: beats from `rr`, one flagged beat, a 20 s strap gap at 5:00,
    /// snapshots and music every 5 s (match 0-3 min, lead, close the last 2 min), and a summary.
    @discardableResult
    func record(client: String?, minutes: Double, heartRateBPM: Double = 75, swingMilliseconds: Double = 40)
        throws -> Int64
    {
        let recorder = SessionRecorder(database: database, commitEverySeconds: 0, report: { _ in })
        let id = try recorder.start(client: client, source: "simulate", strap: nil, settings: #"{"minutes":\#(minutes)}"#)
        let seconds = minutes * 60
        var t = 0.0
        var index = 0
        for rr in Self.rr(count: Int(seconds * heartRateBPM / 60) + 20, heartRateBPM: heartRateBPM, swingMilliseconds: swingMilliseconds) {
            t += rr / 1000
            guard t <= seconds else { break }
            recorder.beat(seconds: t, rrMilliseconds: rr, flag: "ok", contact: true)
            recorder.flagBeat(seconds: t, flag: index == 100 ? "ectopic" : "ok")
            index += 1
        }
        var s = 0.0
        while s <= seconds {
            recorder.snapshot(
                SnapshotRow(
                    seconds: s, heartRateBPM: heartRateBPM - s / 120, rmssdMilliseconds: 30 + s / 60,
                    sdnnMilliseconds: 40, breathingRatePerMinute: 14 - s / 150, coherence: 0.5 + s / 1200,
                    lfMs2: 500, hfMs2: 400, artifactPercent: 0))
            let phase = s < 180 ? "match" : (s >= seconds - 120 ? "close" : "lead")
            recorder.music(
                MusicRow(
                    seconds: s, phase: phase, tempoBPM: 72 - s / 60, loudnessLUFS: -24 - s / 300,
                    swellBreathsPerMinute: 8, swellDepthLU: 3, measuredLUFS: -24.2 - s / 300))
            s += 5
        }
        recorder.event(seconds: 300, kind: "strap_lost", detail: "timeout")
        recorder.event(seconds: 320, kind: "strap_back", detail: "connection 2")
        recorder.finish(outcome: .complete, summaryJSON: #"{"summary":{"time_to_calm_s":420,"beats":\#(index)}}"#)
        return id
    }
}
