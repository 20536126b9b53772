// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import LullDaemon
import Foundation
import Logging
import LullConfig
import SystemdSupport

/// `lull config check [PATH]`: the daemon's configuration, read and validated exactly as `lull
/// daemon` reads it at start, so an operator can check an edit before restarting the service.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The daemon's configuration.",
        subcommands: [ConfigCheckCommand.self]
    )
}

struct ConfigCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a configuration file and print the effective values.",
        discussion: """
            Reads PATH (default: \(LullConfiguration.systemPath) if it exists, else no file: the defaults) \
            with the LULL_* environment variables over it, as `lull daemon` does. Prints "PATH: ok" and \
            every key's effective value, or one line naming the file, the key, the value and what is \
            allowed, and exits 78 (EX_CONFIG).
            """
    )

    @Argument(help: "The configuration file (YAML).")
    var path: String?

    @Flag(name: .shortAndLong, help: "Print only the ok line.")
    var quiet = false

    func run() async throws {
        let path = path ?? LullConfiguration.defaultPath()
        let configuration: LullConfiguration
        do { configuration = try await LullConfiguration.loadOrExit(path: path) } catch let exit as DaemonExit {
            throw ExitCode(exit.status)
        }
        print("\(path ?? "no configuration file (the defaults)"): ok")
        guard !quiet else { return }
        for (key, value) in configuration.effectiveValues { print("\(key): \(value)") }
    }
}

