// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
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
            SessionOutput.write(json ? reply.body : DaemonStatusText.statusLine(ControlReply.object(reply.body)))
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
                case "status": SessionOutput.write(DaemonStatusText.statusLine(object))
                case "beat": SessionOutput.write(DaemonStatusText.beatLine(object))
                case "summary": SessionOutput.write(DaemonStatusText.summaryLine(object))
                default: break
                }
            }
            if name == "status", object["session"] is [String: Any] { sawSession = true }
            // The session this command followed has ended with its summary.
            return !(name == "summary" && sawSession)
        }
    }
}
