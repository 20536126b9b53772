// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import ArgumentParser
import Foundation

/// `lull start`: asks the daemon to start a session.
struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Starts a session in the running lull daemon.",
        discussion: "Prints the session's journal id. Follow it with `lull status --follow`; end it with `lull stop`."
    )

    @Option(help: "Planned length in minutes (1-240; default: the daemon's session.default_minutes).")
    var minutes: Double?

    @Option(help: "Client name or code.")
    var client: String?

    @Option(help: "The daemon's control socket.", completion: .file())
    var socket: String?

    func validate() throws {
        if let minutes, !(minutes.isFinite && minutes >= 1 && minutes <= 240) {
            throw ValidationError("--minutes \(minutes): must be between 1 and 240")
        }
        if let client, ClientName.validated(client) == nil { throw ValidationError("--client: \(ClientName.rule)") }
    }

    func run() throws {
        var w = JSONWriter()
        w.beginObject()
        if let minutes { w.field("minutes", minutes) }
        if let client { w.field("client", ClientName.validated(client) ?? client) }
        w.endObject()
        let reply = try ControlClient(socket: socket).request("POST", "/api/start", json: w.text)
        let object = ControlReply.object(reply.body)
        guard reply.status == 202 else { throw CommandFailure(ControlReply.error(reply)) }
        let id = (object["id"] as? NSNumber).map { "session \($0.intValue)" } ?? "a session (not recorded)"
        SessionOutput.write("started \(id)")
    }
}
