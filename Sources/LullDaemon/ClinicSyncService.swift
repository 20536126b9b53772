// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import ClinicStore
import Foundation
import Logging
import LullConfig
import ServiceLifecycle
import SessionStore

/// The daemon's sync to the clinic store (`journal.sync_to`): a service of its own beside the
/// session, so a slow or absent server never touches the session's path. It looks at the journal
/// every 15 s (one local query on the sync's own queue) and sends what is waiting, which is within
/// 15 s of a session's end; after a failure it waits 5 s doubling to 5 minutes before trying again.
/// Each pass is bounded (2 minutes) so a server that stops answering mid-transaction is dropped.
struct ClinicSyncService: Service {
    let sync: SessionSync
    let state: DaemonState
    let logger: Logger
    static let lookEverySeconds = 15.0
    static let passDeadlineSeconds = 120.0

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var failures = 0
            var nextAttempt = ContinuousClock.now
            while !Task.isCancelled {
                if let waiting = try? await sync.waiting() {
                    state.syncWaiting(waiting)
                    // Assessments are asked about only when no session waits (a pass sends both).
                    var hasWork = waiting > 0
                    if !hasWork { hasWork = ((try? await sync.assessmentsWaiting()) ?? 0) > 0 }
                    if hasWork && ContinuousClock.now >= nextAttempt {
                        do {
                            let outcome = try await sync.run(deadlineSeconds: Self.passDeadlineSeconds)
                            if failures > 0 { logger.notice("clinic store reachable again") }
                            failures = 0
                            state.syncWaiting(outcome.waiting)
                            logger.info(
                                "sessions sent to the clinic store",
                                metadata: [
                                    "sessions": "\(outcome.sessions)", "beats": "\(outcome.beats)",
                                    "assessments": "\(outcome.assessments)",
                                ])
                        } catch {
                            failures += 1
                            let wait = syncBackoffSeconds(failures: failures)
                            nextAttempt = ContinuousClock.now + .seconds(wait)
                            // Once per outage at error level, then quietly: a week offline is normal.
                            let message = "clinic store sync failed: \(ClinicStore.describe(error))"
                            if failures == 1 { logger.error("\(message)") } else { logger.debug("\(message)") }
                        }
                    }
                }
                try? await Task.sleep(for: .seconds(Self.lookEverySeconds))
            }
        }
    }
}

extension ClinicSyncService {
    /// The service's maker when `journal.sync_to` is set; a bad URL is a configuration error (exit 78).
    static func make(configuration: LullConfiguration, database: SessionDatabase, environment: [String: String])
        throws -> ((DaemonState, Logger) -> ClinicSyncService)?
    {
        guard let text = configuration.journal.syncTo else { return nil }
        let url: StoreURL
        do { url = try StoreURL(parsing: text, environment: environment) } catch {
            FileHandle.standardError.write(Data("lull: key journal.sync_to: \(error)\n".utf8))
            throw DaemonExit(status: ConfigurationError.exitStatus)
        }
        let sync = SessionSync(
            database: database, url: url, passwordFile: configuration.journal.syncPasswordFile,
            environment: environment, logger: Logger(label: "lull.sync"))
        return { state, logger in ClinicSyncService(sync: sync, state: state, logger: logger) }
    }
}
