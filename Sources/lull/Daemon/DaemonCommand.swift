// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import LullDaemon
import Logging
import SystemdSupport

/// `lull daemon`: Lull as a long-running service (a kiosk's systemd unit, or a user's own).
///
/// Idle, it waits with the strap connected; a session starts on request (the control API, `lull
/// start`) or on skin contact, runs as `lull session` does, is recorded in the journal and ends
/// softly. SIGTERM or SIGINT ends a running session softly, commits everything, and exits 0.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Runs Lull as a service: sessions on request, the control API, systemd notification.",
        discussion: """
            The control API is HTTP/JSON on a Unix socket (control.socket_path; default \
            $RUNTIME_DIRECTORY/control.sock, else $XDG_RUNTIME_DIR/lull/control.sock, else \
            /tmp/lull-$UID/control.sock) and, if control.port is set, on 127.0.0.1:PORT with the kiosk \
            page. A configuration error is one line on stderr and exit status 78 (EX_CONFIG).
            """
    )

    @Option(help: "The configuration file (YAML); without it, the defaults and LULL_* environment variables.",
        completion: .file())
    var config: String?

    /// What ends the daemon is logged at err priority (ArgumentParser's own "Error: ..." line would
    /// reach the journal at info, hidden from `journalctl -p err`).
    func run() async throws {
        do {
            try await LullDaemon.run(configurationPath: config)
        } catch let exit as ExitCode {
            throw exit
        } catch let exit as DaemonExit {
            throw ExitCode(exit.status)
        } catch {
            JournalLogHandler.writeStandardError("Error: \(error)", level: .error)
            throw ExitCode.failure
        }
    }

}
