// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Foundation
import Logging
package import LullConfig
import SystemdSupport

extension LullConfiguration {
    /// Where the unit and the install script put the configuration (`ConfigurationDirectory=lull`).
    package static let systemPath = "/etc/lull/lull.yaml"

    /// `systemPath` when it exists, else nil (the defaults): a machine without Lull installed as a
    /// service still runs `lull daemon` out of the box.
    package static func defaultPath() -> String? {
        FileManager.default.fileExists(atPath: systemPath) ? systemPath : nil
    }

    /// Loads the configuration as every verb should: on an error, its one line on stderr and exit 78
    /// (EX_CONFIG), which the unit's `RestartPreventExitStatus=78` turns into "failed, not restarted".
    package static func loadOrExit(
        path: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> LullConfiguration {
        do {
            return try await load(path: path, environment: environment)
        } catch {
            // Fatal for whoever loads it (the daemon stops with 78): err priority in the journal.
            JournalLogHandler.writeStandardError("lull: \(error.description)", level: .error)
            throw DaemonExit(status: ConfigurationError.exitStatus)
        }
    }
}
