// SPDX-License-Identifier: Apache-2.0
import LullWire
import HeartSources
import Assessment
import Foundation
import Guidance
import HRVCore
package import Session

/// What a session prints: a live display and a summary for people, or JSON lines for programs.
package struct SessionOutput {
    package let json: Bool
    package let plannedSeconds: Double
    private var nextDisplaySeconds = 0.0
    private let displayEverySeconds: Double
    package var strapState = "ok"
    /// The palette's name, in every JSON beat line.
    package var palette: String?

    package init(json: Bool, plannedSeconds: Double, paced: Bool) {
        self.json = json
        self.plannedSeconds = plannedSeconds
        displayEverySeconds = paced ? 10 : 60
    }

    /// One beat: a JSON line (flushed at once, for the lockstep protocol), or a display line now and then.
    package mutating func beat(_ s: SessionState, audioLUFS: Double?) {
        if json {
            var w = JSONWriter()
            w.beginObject()
            SessionRecordJSON.beatFields(&w, s, audioLUFS: audioLUFS, palette: palette)
            w.endObject()
            Self.write(w.text)
            return
        }
        guard s.seconds >= nextDisplaySeconds else { return }
        nextDisplaySeconds = (s.seconds / displayEverySeconds).rounded(.down) * displayEverySeconds + displayEverySeconds
        if let position = s.assessment {
            Self.write(Self.assessmentLine(s, position, strap: strapState))
            return
        }
        display(s.seconds, s.target, s.snapshot)
    }

    /// A strap event (state change) for the display; in JSON mode it goes to stderr.
    package mutating func event(_ text: String, at seconds: Double) {
        strapState = text
        let line = "\(WireText.clock(seconds))  strap: \(text)"
        if json { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { Self.write(line) }
    }

    private func display(_ t: Double, _ target: MusicTarget, _ snapshot: HRVSnapshot) {
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "—" }
        let phase = target.phase.rawValue + (target.holdReason.map { " (\($0.rawValue))" } ?? "")
        Self.write(
            "\(WireText.clock(t)) / \(WireText.clock(plannedSeconds))  \(phase.padding(toLength: 18, withPad: " ", startingAt: 0))"
                + "HR \(f(snapshot.heartRateBPM, 1))  RMSSD \(f(snapshot.rmssdMilliseconds, 1)) ms  "
                + "breath \(f(snapshot.breathingRatePerMinute, 1))/min  coherence \(f(snapshot.coherence, 2))  "
                + "tempo \(f(target.tempoBPM, 1)) bpm  \(f(target.loudnessLUFS, 1)) LUFS  "
                + "guide \(f(target.swellBreathsPerMinute, 1))/min  strap \(strapState)")
    }

    package func summary(
        _ s: SessionSummary, audio: (lufs: Double?, peak: Double?, underruns: UInt64), guide: GuideTarget? = nil
    ) {
        if json {
            Self.write(SessionRecordJSON.summaryJSON(s, audio: audio, guide: guide))
            return
        }
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "—" }
        var out = "\nSession \(s.endedEarly ? "ended early" : "complete"): \(WireText.clock(s.durationSeconds)), \(s.beats) beats\n"
        out += "                   first 5 min   last 5 min\n"
        let rows: [(String, Double?, Double?, Int)] = [
            ("heart rate (bpm)", s.first.heartRateBPM, s.last.heartRateBPM, 1),
            ("RMSSD (ms)", s.first.rmssdMilliseconds, s.last.rmssdMilliseconds, 1),
            ("breathing (/min)", s.first.breathingRatePerMinute, s.last.breathingRatePerMinute, 1),
            ("coherence", s.first.coherence, s.last.coherence, 2),
        ]
        for (name, a, b, d) in rows {
            out += name.padding(toLength: 19, withPad: " ", startingAt: 0)
                + f(a, d).leftPadded(11) + f(b, d).leftPadded(13) + "\n"
        }
        out += "time to calm:      \(s.timeToCalmSeconds.map { WireText.clock($0) } ?? "not reached")\n"
        out += "artifacts:         \(s.artifacts.flagged) beats (\(f(s.artifacts.percent, 1)) %)\n"
        out += "strap gaps:        \(s.strapGaps) (\(f(s.strapGapSeconds, 0)) s)\n"
        out += "tempo:             \(f(s.matchedTempoBPM, 1)) -> \(f(s.finalTempoBPM, 1)) bpm\n"
        if let lufs = audio.lufs, lufs.isFinite {
            out += "audio:             \(f(lufs, 1)) LUFS integrated, \(f(audio.peak, 1)) dBTP peak, \(audio.underruns) underruns\n"
        }
        if let guide { out += "guide target:      \(f(guide.breathsPerMinute, 1)) /min (\(guide.source.words))\n" }
        Self.write(out)
    }

    /// Writes one line to stdout unbuffered, so a program in lockstep sees it at once.
    package static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

}

extension String {
    package func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
