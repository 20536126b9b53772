// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Assessment
import Foundation
import Guidance
import Session
import SynthCore

/// The audio figures of a finished session, as `SessionRecordJSON.summaryFields` takes them.
typealias SessionAudioFigures = (lufs: Double?, peak: Double?, underruns: UInt64)

/// The control API's JSON objects (README, "The daemon"), keys in contract order.
enum DaemonJSON {
    /// `GET /api/status` and the `status` event. `redacted` (a TCP request not from the kiosk's own
    /// page) leaves out the client's name and the last summary's physiology.
    static func status(
        _ s: DaemonState.Snapshot, durationsMinutes: [Int], defaultPalette: Palette = .default,
        now: ContinuousClock.Instant, redacted: Bool = false
    ) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("state", s.phase.rawValue)
        w.beginObject("strap")
        w.field("state", s.strap.state)
        w.field("name", s.strap.name)
        w.field("battery_pct", s.strap.batteryPercent)
        // Only while something is missing, so the usual object is unchanged.
        if let detail = s.strap.detail { w.field("detail", detail) }
        w.endObject()
        if let problem = s.audioProblem {
            w.beginObject("audio")
            w.field("state", "unavailable")
            w.field("detail", problem)
            w.endObject()
        }
        if let running = s.running {
            let seconds = DaemonState.sessionSeconds(running, at: now)
            w.beginObject("session")
            w.field("id", running.id.map { Int($0) })
            w.field("client", redacted ? nil : running.client)
            w.field("minutes", running.minutes)
            w.field("elapsed_s", rounded(seconds))
            w.field("remaining_s", rounded(max(0, running.minutes * 60 - seconds)))
            w.field("phase", running.target.phase.rawValue)
            w.field("time_scale", running.timeScale)
            if let palette = running.palette { w.field("palette", palette.rawValue) }
            w.field("tension", (running.target.tension * 1000).rounded() / 1000)
            if let position = running.assessment { assessmentFields(&w, position) }
            w.endObject()
        } else {
            w.field("session", nil as String?)
        }
        if let last = s.last, !redacted {
            w.beginObject("last_summary")
            finishedFields(&w, last)
            w.endObject()
        } else {
            w.field("last_summary", nil as String?)
        }
        // Only while the journal cannot be written, so the usual status is unchanged.
        if let journalError = s.journalError { w.field("journal_error", journalError) }
        w.beginArray("durations_min")
        for minutes in durationsMinutes { w.value(minutes) }
        w.endArray()
        // The palettes the kiosk offers, and the one preselected for a client with no earlier choice.
        w.beginArray("palettes")
        for palette in Palette.allCases {
            w.beginObject()
            w.field("name", palette.rawValue)
            w.field("title", palette.title)
            w.field("summary", palette.summary)
            w.endObject()
        }
        w.endArray()
        w.field("palette_default", defaultPalette.rawValue)
        // Only with journal.sync_to set, so the object is unchanged without a clinic store.
        if let waiting = s.syncWaiting {
            w.beginObject("sync")
            w.field("waiting", waiting)
            w.endObject()
        }
        w.endObject()
        let text = w.text
        return text
    }

    /// The `beat` event: `lull session --json`'s beat object plus the daemon's own fields.
    static func beat(
        _ state: SessionState, audioLUFS: Double?, running: DaemonState.Running, remainingSeconds: Double,
        swellPhase: Double
    ) -> String {
        var w = JSONWriter()
        w.beginObject()
        SessionRecordJSON.beatFields(&w, state, audioLUFS: audioLUFS, palette: running.palette?.rawValue)
        w.field("session_id", running.id.map { Int($0) })
        w.field("remaining_s", rounded(remainingSeconds))
        w.field("swell_phase", swellPhase)
        w.field("wall_ms", wallMilliseconds())
        w.field("time_scale", running.timeScale)
        w.endObject()
        return w.text
    }

    /// The `swell` event: enough for a page to draw the breathing guide in step with the music.
    static func swell(running: DaemonState.Running, sessionSeconds: Double, swellPhase: Double) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("t_s", rounded(sessionSeconds))
        w.field("swell_phase", swellPhase)
        w.field("guide_breaths_per_min", running.target.swellBreathsPerMinute)
        w.field("swell_lu", running.target.swellDepthLU)
        w.field("wall_ms", wallMilliseconds())
        w.field("time_scale", running.timeScale)
        w.field("phase", running.assessment?.phase.rawValue ?? running.target.phase.rawValue)
        w.field("remaining_s", rounded(max(0, running.minutes * 60 - sessionSeconds)))
        w.endObject()
        return w.text
    }

    /// The `summary` event: `{"id", "client", ...the summary object...}`.
    static func summary(_ finished: DaemonState.Finished) -> String {
        var w = JSONWriter()
        w.beginObject()
        finishedFields(&w, finished)
        w.endObject()
        return w.text
    }

    static func error(_ message: String) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("error", message)
        w.endObject()
        return w.text
    }

    private static func finishedFields(_ w: inout JSONWriter, _ finished: DaemonState.Finished) {
        w.field("id", finished.id.map { Int($0) })
        w.field("client", finished.client)
        SessionRecordJSON.summaryFields(&w, finished.summary, audio: finished.audio)
    }

    /// Unix time in milliseconds, the clock a browser's `Date.now()` reads.
    static func wallMilliseconds() -> Double { (Date().timeIntervalSince1970 * 1000).rounded() }

    static func rounded(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}
