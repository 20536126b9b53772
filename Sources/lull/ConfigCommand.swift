// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
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
        let configuration = try await LullConfiguration.loadOrExit(path: path)
        print("\(path ?? "no configuration file (the defaults)"): ok")
        guard !quiet else { return }
        for (key, value) in configuration.effectiveValues { print("\(key): \(value)") }
    }
}

extension LullConfiguration {
    /// Where the unit and the install script put the configuration (`ConfigurationDirectory=lull`).
    static let systemPath = "/etc/lull/lull.yaml"

    /// `systemPath` when it exists, else nil (the defaults): a machine without Lull installed as a
    /// service still runs `lull daemon` out of the box.
    static func defaultPath() -> String? {
        FileManager.default.fileExists(atPath: systemPath) ? systemPath : nil
    }

    /// Loads the configuration as every verb should: on an error, its one line on stderr and exit 78
    /// (EX_CONFIG), which the unit's `RestartPreventExitStatus=78` turns into "failed, not restarted".
    static func loadOrExit(
        path: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> LullConfiguration {
        do {
            return try await load(path: path, environment: environment)
        } catch {
            // Fatal for whoever loads it (the daemon stops with 78): err priority in the journal.
            JournalLogHandler.writeStandardError("lull: \(error.description)", level: .error)
            throw ExitCode(ConfigurationError.exitStatus)
        }
    }
}
