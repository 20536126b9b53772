// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import HeartSources
import BluetoothLinux
import ControlClient
import Foundation
import Glibc
import Hummingbird
import Logging
import LullConfig
import ServiceLifecycle
import SessionStore
import Synchronization
import SystemdSupport
import UnixSignals

/// Lull as a long-running service (a kiosk's systemd unit, or a user's own): the composition of
/// its services (`lull daemon` is its verb).
///
/// Idle, it waits with the strap connected; a session starts on request (the control API, `lull
/// start`) or on skin contact, runs as `lull session` does, is recorded in the journal and ends
/// softly. SIGTERM or SIGINT ends a running session softly, commits everything, and exits 0.
package enum LullDaemon {
    /// Runs the daemon to its end: the configuration at `configurationPath` (nil: the defaults and
    /// LULL_* variables), every service until SIGTERM or SIGINT, then `_exit(0)`. A configuration
    /// error throws `DaemonExit(78)` (EX_CONFIG) after its line on stderr.
    package static func run(configurationPath config: String?) async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try await LullConfiguration.loadOrExit(path: config, environment: environment)
        LoggingSystem.bootstrap { JournalLogHandler.standardError(label: $0) }
        let logger = Logger(label: "lull.daemon")
        let notifier = SystemdNotifier(environment: environment)

        // A second daemon is refused before it touches the journal.
        let socketPath = configuration.control.socketPath ?? ControlSocket.defaultPath(environment: environment)
        try ControlSocket.prepare(path: socketPath)
        if let port = configuration.control.port, let problem = ConnectionLimits.checkPortFree(port) {
            FileHandle.standardError.write(Data("lull: \(problem)\n".utf8))
            throw DaemonExit(status: ConfigurationError.exitStatus)
        }

        // The journal opens before anything listens: READY=1 promises sessions can be recorded.
        guard let path = configuration.journal.path ?? SessionDatabase.defaultPath(environment: environment) else {
            throw DaemonError("no journal.path, STATE_DIRECTORY, XDG_STATE_HOME or HOME for the session journal")
        }
        let database: SessionDatabase
        do {
            database = try SessionDatabase(path: path, kioskID: KioskIdentity.resolve(configured: configuration.kiosk.id))
        } catch { throw DaemonError("\(error)") }
        let clinicSync = try ClinicSyncService.make(configuration: configuration, database: database, environment: environment)
        let retention =
            configuration.journal.retentionDays > 0
            ? JournalRetention(
                database: database, days: configuration.journal.retentionDays, logger: logger,
                keepUnconfirmed: clinicSync != nil) : nil
        retention?.prune()

        let simulated = configuration.strap.isSimulated
        let state = DaemonState(
            strap: DaemonState.Strap(state: simulated ? "simulated" : "connecting"),
            durationsMinutes: configuration.session.durationsMinutes, defaultPalette: configuration.session.palette)
        var monitor: StrapMonitor?
        if !simulated {
            let target: StrapTarget
            do {
                target = try StrapTarget(parsing: configuration.strap.address, adapter: configuration.strap.adapter)
            } catch {
                JournalLogHandler.writeStandardError("lull: key strap.address: \(error)", level: .error)
                throw DaemonExit(status: ConfigurationError.exitStatus)
            }
            monitor = StrapMonitor(target: target, state: state, logger: Logger(label: "lull.strap"))
        }
        let sessions = DaemonSessions(
            configuration: configuration, database: database, state: state, strap: monitor, logger: logger)
        if configuration.strap.autoStartOnContact { monitor?.onContact { sessions.startOnContact() } }

        let ready = ReadyGate(listeners: configuration.control.port == nil ? 1 : 2) {
            _ = notifier?.ready(status: "idle")
            logger.info("ready", metadata: ["socket": "\(socketPath)", "journal": "\(path)"])
            // Start-up's code (argument parsing, YAML, migrations, relocation) is not needed again.
            trimWorkingSet(logger: logger)
        }
        var httpLogger = Logger(label: "lull.http")
        httpLogger.logLevel = .warning
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: WatchdogService(notifier: notifier, state: state, logger: logger))
        ]
        if let monitor { services.append(.init(service: monitor)) }
        if let device = SoundCardMonitor.alsaDevice(configuration.audio.device) {
            services.append(.init(service: SoundCardMonitor(device: device, state: state, logger: Logger(label: "lull.audio"))))
        }
        let unixApplication = Application(
            router: ControlAPI.router(access: .unixSocket, state: state, sessions: sessions, database: database),
            server: ConnectionLimits.server(ConnectionTable(limit: ConnectionLimits.unixSocketConnections)),
            configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: "lull"),
            onServerRunning: { _ in
                // Group access only (unix(7): connecting needs write permission on the socket). The
                // service's unit gives the socket to group lull-control once READY=1 is sent.
                chmod(socketPath, 0o660)
                ready.arrive()
            },
            logger: httpLogger)
        services.append(.init(service: unixApplication))
        if let port = configuration.control.port {
            let loopback = Application(
                router: ControlAPI.router(
                    access: .loopback(
                        LoopbackGuard(port: port, therapistCode: configuration.kiosk.therapistCode, logger: logger)),
                    state: state, sessions: sessions, database: database),
                server: ConnectionLimits.server(ConnectionTable(limit: ConnectionLimits.loopbackConnections)),
                configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "lull"),
                onServerRunning: { _ in ready.arrive() },
                logger: httpLogger)
            services.append(.init(service: loopback))
        }
        services.append(.init(service: DaemonTicker(notifier: notifier, state: state, retention: retention)))
        if let clinicSync { services.append(.init(service: clinicSync(state, logger))) }
        services.append(.init(service: sessions, successTerminationBehavior: .gracefullyShutdownGroup))
        // Last in the list, so the first told of a shutdown: STOPPING=1 goes out at once.
        services.append(.init(service: ShutdownNotice(notifier: notifier, logger: logger), successTerminationBehavior: .ignore))

        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfiguration.gracefulShutdownSignals = [.sigterm, .sigint]
        // A session's soft end takes its fade (3 s) and a journal commit; past this, cancel.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(30)
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("stopped")
        // Every service has finished and the journal is committed. Threads that no service owns may
        // still be inside a blocking call (a strap supervisor's connect or poll, a sound card probe
        // in libasound): exit(3)'s atexit handlers (libasound frees its global configuration) would
        // race them, which under load ended the daemon with SIGSEGV instead of 0. So flush and leave
        // without them.
        fflush(nil)
        _exit(0)
    }
}

/// The daemon ends with this exit status (78, EX_CONFIG, for a configuration it cannot use).
package struct DaemonExit: Error {
    package let status: Int32
}

/// A failure the daemon reports as one line (a journal it cannot open, a session it cannot start).
package struct DaemonError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// Sends READY=1 once every listener is accepting connections.
final class ReadyGate: Sendable {
    private let remaining: Mutex<Int>
    private let onReady: @Sendable () -> Void

    init(listeners: Int, onReady: @escaping @Sendable () -> Void) {
        remaining = Mutex(listeners)
        self.onReady = onReady
    }

    func arrive() {
        let done = remaining.withLock { count in
            count -= 1
            return count == 0
        }
        if done { onReady() }
    }
}

/// Tells systemd the daemon is stopping (STOPPING=1) as soon as a shutdown begins.
struct ShutdownNotice: Service {
    let notifier: SystemdNotifier?
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        _ = notifier?.stopping()
        logger.info("stopping")
    }
}

/// `WorkingSet.trim(files: WorkingSet.isProgramFile)` with the resident set before and after in the debug log.
func trimWorkingSet(logger: Logger) {
    let before = WorkingSet.residentBytes()
    WorkingSet.trim(files: WorkingSet.isProgramFile)
    let after = WorkingSet.residentBytes()
    if let before, let after {
        logger.debug("working set trimmed", metadata: ["rss_kb": "\(before / 1024) -> \(after / 1024)"])
    }
}
