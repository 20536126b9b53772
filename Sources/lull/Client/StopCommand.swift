// SPDX-License-Identifier: Apache-2.0
import SessionRuntime
import ControlClient
import ArgumentParser

/// `lull stop`: asks the daemon to end the running session softly.
struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Ends the running session softly (fade, summary, journal).",
        discussion: "The daemon keeps running; `lull status` shows the summary once the fade is done."
    )

    @Option(help: "The daemon's control socket.", completion: .file())
    var socket: String?

    func run() throws {
        let reply = try ControlClient(socket: socket).request("POST", "/api/stop")
        guard reply.status == 202 else { throw CommandFailure(ControlReply.error(reply)) }
        SessionOutput.write("stopping: the session ends softly")
    }
}
