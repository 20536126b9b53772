// SPDX-License-Identifier: Apache-2.0
import Logging

extension StrapSupervisor {
    /// How each kind of target opens its link.
    static func connector(for target: StrapTarget, configuration: StrapSupervisorConfiguration, logger: Logger) -> Connector {
        switch target {
        case .unix(let path):
            return { _ throws(BluetoothLinuxError) in try SeqPacketSocket.connectUnix(path: path) }
        case .address(let text, let adapter):
            return { wake throws(BluetoothLinuxError) in
                let address = try BluetoothAddress(parsing: text)
                return try L2CAPConnection.connect(
                    to: address, adapter: adapter, timeoutSeconds: configuration.connectTimeoutSeconds, wake: wake)
            }
        case .auto(let adapter):
            return { wake throws(BluetoothLinuxError) in
                let straps = try HCIScanner.scan(adapter: adapter, seconds: configuration.scanSeconds)
                guard let nearest = straps.first else {
                    throw .peerUnavailable("any heart-rate strap advertising near \(adapter)")
                }
                logger.info("connecting to the nearest strap", metadata: ["address": "\(nearest.address)", "name": "\(nearest.name ?? "")"])
                return try L2CAPConnection.connect(
                    to: nearest.address, adapter: adapter, timeoutSeconds: configuration.connectTimeoutSeconds, wake: wake)
            }
        }
    }
}
