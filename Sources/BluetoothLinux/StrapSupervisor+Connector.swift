// SPDX-License-Identifier: Apache-2.0
import Logging
import Synchronization

/// The strap a supervisor last streamed from: what identifies it beyond an address that can
/// change (Polar H9/H10 moved from random static to public addresses in 2024 firmware), so a
/// reconnect can find it again by name and confirm it by serial number.
public final class RememberedStrap: Sendable {
    public struct Identity: Equatable, Sendable {
        public var address: BluetoothAddress?
        /// The names it went by: advertised (Local Name) and read (GAP Device Name), which a
        /// peripheral may set differently.
        public var names: Set<String> = []
        public var serialNumber: String?
    }

    private let identity = Mutex(Identity())

    public init() {}

    public var current: Identity { identity.withLock { $0 } }

    func connected(to address: BluetoothAddress) { identity.withLock { $0.address = address } }

    func identified(name: String?, serialNumber: String?) {
        identity.withLock {
            if let name, !name.isEmpty { $0.names.insert(name) }
            if let serialNumber { $0.serialNumber = serialNumber }
        }
    }
}

extension StrapSupervisor {
    /// How each kind of target opens its link.
    ///
    /// `.auto` and `.name` go straight back to the address they last streamed from (no scan, so a
    /// dropped link is back within the 5 s the issue allows) and scan only when that fails. An
    /// `.address` whose strap no longer answers there is looked for by its remembered name.
    static func connector(
        for target: StrapTarget, configuration: StrapSupervisorConfiguration, memory: RememberedStrap, logger: Logger
    ) -> Connector {
        switch target {
        case .unix(let path):
            return { _ throws(BluetoothLinuxError) in try SeqPacketSocket.connectUnix(path: path) }
        case .address(let text, let adapter):
            return { wake throws(BluetoothLinuxError) in
                let address = try BluetoothAddress(parsing: text)
                let known = memory.current
                let moved = known.address.flatMap { $0 != address ? $0 : nil }
                do throws(BluetoothLinuxError) {
                    let socket = try L2CAPConnection.connect(
                        to: moved ?? address, adapter: adapter, timeoutSeconds: configuration.connectTimeoutSeconds, wake: wake)
                    memory.connected(to: moved ?? address)
                    return socket
                } catch {
                    guard case .connectTimedOut = error, !known.names.isEmpty else { throw error }
                    // Silent at its address: the strap may have a new one. Look for its name.
                    func isIt(_ strap: DiscoveredStrap) -> Bool { strap.name.map(known.names.contains) ?? false }
                    let straps = try StrapDiscovery.scan(
                        adapter: adapter, seconds: configuration.scanSeconds, wake: wake, enough: { $0.contains(where: isIt) })
                    guard let found = straps.first(where: isIt), found.address != (moved ?? address) else { throw error }
                    logger.warning("the strap answers at a new address", metadata: ["name": "\(found.name ?? "")", "address": "\(found.address)"])
                    return try connect(found, adapter: adapter, configuration: configuration, memory: memory, wake: wake)
                }
            }
        case .auto(let adapter):
            return scanningConnector(
                adapter: adapter, configuration: configuration, memory: memory, logger: logger, description: "any heart-rate strap",
                choose: { straps, _ in straps.first }, enough: { _ in false })
        case .name(let text, let adapter):
            let pattern = StrapNamePattern(text)
            return scanningConnector(
                adapter: adapter, configuration: configuration, memory: memory, logger: logger,
                description: "a heart-rate strap named like '\(text)'",
                choose: { straps, remembered in
                    straps.first { $0.name.map(remembered.contains) ?? false } ?? straps.first { pattern.matches($0.name) }
                },
                enough: { straps in straps.contains { pattern.matches($0.name) } })
        }
    }

    private static func scanningConnector(
        adapter: String, configuration: StrapSupervisorConfiguration, memory: RememberedStrap, logger: Logger, description: String,
        choose: @escaping @Sendable ([DiscoveredStrap], Set<String>) -> DiscoveredStrap?,
        enough: @escaping @Sendable ([DiscoveredStrap]) -> Bool
    ) -> Connector {
        let scanNext = Atomic<Bool>(false)
        return { wake throws(BluetoothLinuxError) in
            // The remembered address first; a scan after that failed, then the address again.
            if let address = memory.current.address, !scanNext.load(ordering: .relaxed) {
                do throws(BluetoothLinuxError) {
                    return try L2CAPConnection.connect(
                        to: address, adapter: adapter, timeoutSeconds: min(configuration.connectTimeoutSeconds, 4), wake: wake)
                } catch {
                    scanNext.store(true, ordering: .relaxed)
                    throw error
                }
            }
            scanNext.store(false, ordering: .relaxed)
            let straps = try StrapDiscovery.scan(adapter: adapter, seconds: configuration.scanSeconds, wake: wake, enough: enough)
            guard let chosen = choose(straps, memory.current.names) else {
                throw .peerUnavailable("\(description) advertising near \(adapter)")
            }
            logger.info("connecting to the strap found", metadata: ["address": "\(chosen.address)", "name": "\(chosen.name ?? "")"])
            return try connect(chosen, adapter: adapter, configuration: configuration, memory: memory, wake: wake)
        }
    }

    private static func connect(
        _ strap: DiscoveredStrap, adapter: String, configuration: StrapSupervisorConfiguration, memory: RememberedStrap, wake: WakeSignal
    ) throws(BluetoothLinuxError) -> SeqPacketSocket {
        let socket = try L2CAPConnection.connect(
            to: strap.address, adapter: adapter, timeoutSeconds: configuration.connectTimeoutSeconds, wake: wake)
        memory.connected(to: strap.address)
        memory.identified(name: strap.name, serialNumber: nil)
        return socket
    }
}
