// SPDX-License-Identifier: Apache-2.0
import HRVCore
import SessionStore

/// One session's part of the report: the plain-language paragraph, the charts on one time axis
/// (heart above, music beneath), the headline numbers beside them and the 5-minute window table.
struct SessionSection {
    let analysis: SessionAnalysis
    /// "2026-11-22 09:40" in the reader's time zone, made by the caller.
    let startedText: String

    static let phaseLabels: [(phase: String, label: String)] = [
        ("match", "match"), ("lead", "lead"), ("hold", "hold"), ("close", "close"),
    ]

    func html() -> String {
        let record = analysis.session.record
        var out = "<section class=\"session\" id=\"session-\(record.id)\">"
        out += "<h2>Session \(record.id)"
        if let client = record.client { out += " · \(ReportText.escape(client))" }
        out += " <span class=\"when\">\(ReportText.escape(startedText))"
        // Where it ran: a client moves between the clinic's kiosks.
        if let kiosk = record.kioskID { out += " · kiosk \(ReportText.escape(kiosk))" }
        out += " · \(ReportText.clock(analysis.durationSeconds))"
        out += " · \(ReportText.escape(Self.outcomeText(record.outcome)))"
        // The music the client chose: sessions before palettes existed name none.
        if let palette = record.paletteName { out += " · music: \(ReportText.escape(palette))" }
        out += "</span></h2>"
        out += "<p class=\"story\">\(ReportText.escape(Self.story(analysis)))</p>"
        out += "<div class=\"session-body\"><div class=\"charts\">"
        out += legend()
        for chart in charts() { out += chart.svg() }
        out += "</div><aside class=\"numbers\">\(headlineTable())</aside></div>"
        out += windowTable()
        out += "</section>"
        return out
    }

    static func outcomeText(_ outcome: String) -> String {
        switch outcome {
        case "complete": "complete"
        case "ended_early": "ended early"
        case "interrupted": "interrupted (the recording stopped unexpectedly)"
        case "running": "still recording"
        default: outcome
        }
    }

    // MARK: Charts

    func charts() -> [SVGChart] {
        let end = max(analysis.durationSeconds, 60)
        let range = 0.0...end
        let minutes = end / 60
        let stepMinutes = minutes <= 12 ? 2.0 : (minutes <= 40 ? 5 : 10)
        var labels: [(x: Double, text: String)] = []
        var m = 0.0
        while m <= minutes + 1e-9 {
            labels.append((m * 60, "\(Int(m)) min"))
            m += stepMinutes
        }
        var bands: [(from: Double, to: Double, cssClass: String, label: String)] = analysis.phases.map {
            ($0.start, $0.end, "phase-\(Self.cssName($0.phase))", "\($0.phase) phase")
        }
        bands += analysis.gaps.map {
            ($0.start, $0.end, "gap", "strap gap \(ReportText.clock($0.start))–\(ReportText.clock($0.end))")
        }
        let snapshots = analysis.session.snapshots
        let music = analysis.session.music
        func chart(_ title: String, _ unit: String, _ points: [(x: Double, y: Double?)], _ css: String) -> SVGChart {
            SVGChart(
                title: title, unit: unit, xRange: range, xLabels: labels, verticalBands: bands,
                series: [.init(points: points, cssClass: css)])
        }
        var heart = chart("Heart rate", "bpm", snapshots.map { ($0.seconds, $0.heartRateBPM) }, "line-heart")
        heart.ticks = analysis.flaggedBeatSeconds
        heart.tickLabel = "\(analysis.flaggedBeatSeconds.count) beats flagged as artifacts"
        var loudness = chart("Music loudness", "LUFS", music.map { ($0.seconds, $0.loudnessLUFS) }, "line-music")
        if music.contains(where: { $0.measuredLUFS != nil }) {
            loudness.series.append(.init(points: music.map { ($0.seconds, $0.measuredLUFS) }, cssClass: "line-measured"))
        }
        var charts = [
            heart,
            chart("RMSSD", "ms", snapshots.map { ($0.seconds, $0.rmssdMilliseconds) }, "line-hrv"),
            chart("Breathing rate", "/min", snapshots.map { ($0.seconds, $0.breathingRatePerMinute) }, "line-breath"),
            chart("Coherence", "ratio", snapshots.map { ($0.seconds, $0.coherence) }, "line-coherence"),
            chart("Music tempo", "BPM", music.map { ($0.seconds, $0.tempoBPM) }, "line-music"),
            loudness,
        ]
        // Under tempo and loudness, the third thing the music leads with (sessions recorded before
        // the journal kept it have none).
        if music.contains(where: { $0.tension != nil }) {
            charts.append(chart("Music tension", "0 calm … 1 tense", music.map { ($0.seconds, $0.tension) }, "line-music"))
        }
        return charts
    }

    static func cssName(_ phase: String) -> String {
        phaseLabels.contains { $0.phase == phase } ? phase : "other"
    }

    private func legend() -> String {
        var out = "<div class=\"legend\">"
        for (phase, label) in Self.phaseLabels where analysis.phases.contains(where: { $0.phase == phase }) {
            out += "<span><i class=\"swatch phase-\(phase)\"></i>\(label)</span>"
        }
        if !analysis.gaps.isEmpty { out += "<span><i class=\"swatch gap\"></i>strap gap</span>" }
        if !analysis.flaggedBeatSeconds.isEmpty { out += "<span><i class=\"swatch artifact\"></i>artifact beat</span>" }
        if analysis.session.music.contains(where: { $0.measuredLUFS != nil }) {
            out += "<span><i class=\"swatch measured\"></i>loudness measured at the output</span>"
        }
        return out + "</div>"
    }

    // MARK: Numbers

    private func headlineTable() -> String {
        let first = analysis.firstWindow
        let last = analysis.lastWindow
        func row(_ name: String, _ unit: String, _ a: Double?, _ b: Double?, _ digits: Int) -> String {
            "<tr><th>\(name) <span class=\"unit\">\(unit)</span></th><td>\(ReportText.fixed(a, digits))</td>"
                + "<td>\(ReportText.fixed(b, digits))</td></tr>"
        }
        var out = "<table class=\"headline\"><thead><tr><th></th><th>first 5 min</th><th>last 5 min</th></tr></thead><tbody>"
        // Heart rate, RMSSD and breathing as the live summary and `lull sessions` give them; the rest
        // from the first and last Task Force windows (the table below).
        let (a, b) = (analysis.headline.first, analysis.headline.last)
        out += row("Heart rate", "bpm", a.heartRateBPM, b.heartRateBPM, 1)
        out += row("RMSSD", "ms", a.rmssdMilliseconds, b.rmssdMilliseconds, 1)
        out += row("SDNN", "ms", first?.timeDomain?.sdnnMilliseconds, last?.timeDomain?.sdnnMilliseconds, 1)
        out += row("Breathing", "/min", a.breathingRatePerMinute, b.breathingRatePerMinute, 1)
        out += row("Coherence", "", first?.coherence, last?.coherence, 2)
        out += row("LF/HF", "", first?.frequencyDomain?.lfHF, last?.frequencyDomain?.lfHF, 2)
        out += "</tbody></table><table class=\"headline\"><tbody>"
        let calm = analysis.timeToCalmSeconds.map(ReportText.clock) ?? (analysis.session.record.summaryJSON == nil ? "—" : "not reached")
        out += "<tr><th>Time to calm</th><td>\(calm)</td></tr>"
        out += "<tr><th>Artifacts</th><td>\(ReportText.fixed(analysis.artifactPercent, 1)) %</td></tr>"
        let gapSeconds = analysis.gaps.reduce(0) { $0 + $1.end - $1.start }
        out += "<tr><th>Strap gaps</th><td>\(analysis.gaps.count)"
        if !analysis.gaps.isEmpty { out += " (\(ReportText.clock(gapSeconds)))" }
        out += "</td></tr><tr><th>Beats</th><td>\(analysis.session.beats.count)</td></tr></tbody></table>"
        return out
    }

    /// Task Force metrics per 5-minute window of the corrected series; artifacts of the raw beats.
    func windowTable() -> String {
        var out = "<table class=\"windows\"><thead><tr><th>window</th><th>beats</th><th>HR <span class=\"unit\">bpm</span></th>"
        out += "<th>SDNN <span class=\"unit\">ms</span></th><th>RMSSD <span class=\"unit\">ms</span></th>"
        out += "<th>pNN50 <span class=\"unit\">%</span></th><th>LF <span class=\"unit\">ms²</span></th>"
        out += "<th>HF <span class=\"unit\">ms²</span></th><th>LF/HF</th><th>SD1/SD2</th>"
        out += "<th>breathing <span class=\"unit\">/min</span></th><th>coherence</th><th>artifacts <span class=\"unit\">%</span></th></tr></thead><tbody>"
        for (w, artifacts) in zip(analysis.windows, analysis.windowArtifacts) {
            out += "<tr data-window=\"\(w.index)\">"
            for cell in Self.windowCells(w, artifacts: artifacts) { out += "<td>\(cell)</td>" }
            out += "</tr>"
        }
        if analysis.windows.isEmpty {
            out += "<tr><td colspan=\"13\">No full 5-minute window was recorded.</td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// The cells of one window row, as printed (also what the tests compare with the analysis).
    static func windowCells(_ w: HRVWindowResult, artifacts: ArtifactCounts) -> [String] {
        let t = w.timeDomain
        let ratio: Double? =
            if let sd1 = t?.sd1Milliseconds, let sd2 = t?.sd2Milliseconds, sd2 > 0 { sd1 / sd2 } else { nil }
        return [
            "\(ReportText.clock(w.startSeconds))–\(ReportText.clock(w.endSeconds))", "\(w.intervalCount)",
            ReportText.fixed(t?.meanHeartRateBPM, 1), ReportText.fixed(t?.sdnnMilliseconds, 1),
            ReportText.fixed(t?.rmssdMilliseconds, 1), ReportText.fixed(t?.pnn50Percent, 1),
            ReportText.fixed(w.frequencyDomain?.lfMs2, 0), ReportText.fixed(w.frequencyDomain?.hfMs2, 0),
            ReportText.fixed(w.frequencyDomain?.lfHF, 2), ReportText.fixed(ratio, 2),
            ReportText.fixed(w.breathingRatePerMinute, 1), ReportText.fixed(w.coherence, 2),
            ReportText.fixed(artifacts.percent, 1),
        ]
    }
}
