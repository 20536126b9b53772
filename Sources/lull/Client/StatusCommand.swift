// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation

/// `lull status`: what the daemon is doing; with `--follow`, live from its event stream.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Shows the lull daemon's state: idle or in a session, the strap, the last summary.",
        discussion: """
            --follow prints one line per beat and per change of state from the daemon's event stream \
            (/api/events) until the session ends (its summary) or Ctrl-C. --json prints the status object \
            (with --follow: one {"event": NAME, "data": ...} object per line).
            """
    )

    @Flag(help: "Follow the session live until it ends.")
    var follow = false

    @Flag(help: "JSON instead of text.")
    var json = false

    @Option(help: "The daemon's control socket.", completion: .file())
    var socket: String?

    func run() throws {
        let client = ControlClient(socket: socket)
        guard follow else {
            let reply = try client.request("GET", "/api/status")
            guard reply.status == 200 else { throw CommandFailure(ControlReply.error(reply)) }
            SessionOutput.write(json ? reply.body : Self.statusLine(ControlReply.object(reply.body)))
            return
        }
        var sawSession = false
        try client.events("/api/events") { name, data in
            if name == "swell" { return true }  // once a second: for pages that draw the guide
            let object = ControlReply.object(data)
            if json {
                SessionOutput.write("{\"event\":\(JSONWriter.quoted(name)),\"data\":\(data)}")
            } else {
                switch name {
                case "status": SessionOutput.write(Self.statusLine(object))
                case "beat": SessionOutput.write(Self.beatLine(object))
                case "summary": SessionOutput.write(Self.summaryLine(object))
                default: break
                }
            }
            if name == "status", object["session"] is [String: Any] { sawSession = true }
            // The session this command followed has ended with its summary.
            return !(name == "summary" && sawSession)
        }
    }

    static func statusLine(_ s: [String: Any]) -> String {
        var parts = [s["state"] as? String ?? "?"]
        if let session = s["session"] as? [String: Any] {
            var text = "session " + ((session["id"] as? NSNumber).map { "\($0.intValue)" } ?? "(not recorded)")
            if let client = session["client"] as? String { text += " (client \(client))" }
            parts.append(text)
            parts.append(session["phase"] as? String ?? "?")
            let elapsed = (session["elapsed_s"] as? NSNumber)?.doubleValue ?? 0
            let remaining = (session["remaining_s"] as? NSNumber)?.doubleValue ?? 0
            parts.append("\(SessionOutput.clock(elapsed)) elapsed, \(SessionOutput.clock(remaining)) left")
        }
        if let strap = s["strap"] as? [String: Any] {
            var text = "strap \(strap["state"] as? String ?? "?")"
            var details: [String] = []
            if let name = strap["name"] as? String { details.append(name) }
            if let battery = strap["battery_pct"] as? NSNumber { details.append("battery \(battery.intValue) %") }
            if let detail = strap["detail"] as? String { details.append(detail) }
            if !details.isEmpty { text += " (\(details.joined(separator: ", ")))" }
            parts.append(text)
        }
        if let journalError = s["journal_error"] as? String {
            parts.append("journal not writable (\(journalError)); the music continues")
        }
        if let audio = s["audio"] as? [String: Any] {
            parts.append("audio \(audio["state"] as? String ?? "?") (\(audio["detail"] as? String ?? "?"))")
        }
        if !(s["session"] is [String: Any]), let last = s["last_summary"] as? [String: Any] {
            parts.append("last: " + summaryLine(last))
        }
        if let sync = s["sync"] as? [String: Any], let waiting = (sync["waiting"] as? NSNumber)?.intValue {
            parts.append("\(waiting) session\(waiting == 1 ? "" : "s") waiting for the clinic store")
        }
        return parts.joined(separator: " · ")
    }

    static func beatLine(_ b: [String: Any]) -> String {
        func f(_ key: String, _ digits: Int) -> String {
            (b[key] as? NSNumber).map { String(format: "%.\(digits)f", $0.doubleValue) } ?? "—"
        }
        let t = (b["t_s"] as? NSNumber)?.doubleValue ?? 0
        let remaining = (b["remaining_s"] as? NSNumber)?.doubleValue ?? 0
        return "\(SessionOutput.clock(t))  \((b["phase"] as? String ?? "?").padding(toLength: 6, withPad: " ", startingAt: 0))"
            + "HR \(f("hr_bpm", 1))  RMSSD \(f("rmssd_ms", 1)) ms  breath \(f("breathing_rate_per_min", 1))/min  "
            + "tempo \(f("tempo_bpm", 1)) bpm  \(f("loudness_lufs", 1)) LUFS  guide \(f("guide_breaths_per_min", 1))/min  "
            + "\(SessionOutput.clock(remaining)) left"
    }

    static func summaryLine(_ s: [String: Any]) -> String {
        func pair(_ key: String, _ digits: Int) -> String {
            func f(_ part: String) -> String {
                ((s[part] as? [String: Any])?[key] as? NSNumber).map { String(format: "%.\(digits)f", $0.doubleValue) }
                    ?? "—"
            }
            return "\(f("first_5min"))→\(f("last_5min"))"
        }
        let id = (s["id"] as? NSNumber).map { "session \($0.intValue)" } ?? "session"
        let duration = SessionOutput.clock((s["duration_s"] as? NSNumber)?.doubleValue ?? 0)
        let outcome = (s["ended_early"] as? Bool ?? false) ? "ended early" : "complete"
        return "\(id) \(outcome) after \(duration): HR \(pair("hr_bpm", 1)) bpm, RMSSD \(pair("rmssd_ms", 1)) ms, "
            + "breathing \(pair("breathing_rate_per_min", 1)) /min"
    }
}
