// SPDX-License-Identifier: Apache-2.0

/// Which strap to connect to.
public enum StrapTarget: Equatable, Sendable, CustomStringConvertible {
    /// A known address through an adapter ("hci0"); see `BluetoothAddress(parsing:)` for `/random`.
    case address(String, adapter: String)
    /// The strongest heart-rate advertiser a short scan finds on the adapter (needs CAP_NET_RAW).
    case auto(adapter: String)
    /// A peripheral listening on a Unix SEQPACKET socket (the emulator).
    case unix(path: String)

    /// Parses the `--strap` value: `auto`, `unix:PATH`, or an address, checking the address now so
    /// a typo is reported before anything connects.
    public init(parsing text: String, adapter: String) throws(BluetoothLinuxError) {
        if text == "auto" {
            self = .auto(adapter: adapter)
        } else if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw .invalidAddress(text) }
            self = .unix(path: path)
        } else {
            _ = try BluetoothAddress(parsing: text)
            self = .address(text, adapter: adapter)
        }
    }

    public var description: String {
        switch self {
        case .address(let address, let adapter): "\(address) via \(adapter)"
        case .auto(let adapter): "the nearest heart-rate strap via \(adapter)"
        case .unix(let path): "unix:\(path)"
        }
    }
}
