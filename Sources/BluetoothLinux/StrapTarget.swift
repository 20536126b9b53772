// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Which strap to connect to.
public enum StrapTarget: Equatable, Sendable, CustomStringConvertible {
    /// A known address through an adapter ("hci0"); see `BluetoothAddress(parsing:)` for `/random`.
    case address(String, adapter: String)
    /// The strongest heart-rate advertiser a short scan finds on the adapter.
    case auto(adapter: String)
    /// The first heart-rate strap whose advertised name matches `pattern` (see `StrapNamePattern`).
    case name(String, adapter: String)
    /// A peripheral listening on a Unix SEQPACKET socket (the emulator).
    case unix(path: String)

    /// Parses the `--strap` value (and `strap.address`): `auto`, `unix:PATH`, an address, or a
    /// name pattern (`name:PATTERN`, or any text that is not address-like). Text made only of hex
    /// digits and colons is taken as an address and checked now, so a typo in one is reported
    /// before anything connects rather than searched for as a name.
    public init(parsing text: String, adapter: String) throws(BluetoothLinuxError) {
        if text == "auto" {
            self = .auto(adapter: adapter)
        } else if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard !path.isEmpty else { throw .invalidAddress(text) }
            self = .unix(path: path)
        } else if text.hasPrefix("name:") {
            let pattern = String(text.dropFirst(5))
            guard !pattern.isEmpty else { throw .invalidAddress(text) }
            self = .name(pattern, adapter: adapter)
        } else if Self.looksLikeAddress(text) {
            _ = try BluetoothAddress(parsing: text)
            self = .address(text, adapter: adapter)
        } else {
            self = .name(text, adapter: adapter)
        }
    }

    static func looksLikeAddress(_ text: String) -> Bool {
        let head = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return head.isEmpty || head.contains(":") && head.allSatisfy { $0 == ":" || $0.isHexDigit }
    }

    public var description: String {
        switch self {
        case .address(let address, let adapter): "\(address) via \(adapter)"
        case .auto(let adapter): "the nearest heart-rate strap via \(adapter)"
        case .name(let pattern, let adapter): "the strap named like '\(pattern)' via \(adapter)"
        case .unix(let path): "unix:\(path)"
        }
    }
}

/// A strap name pattern: a shell glob (`*`, `?`, `[...]`), matched case-insensitively, and a
/// pattern without wildcards matches any name that contains it ("H10" matches "Polar H10 0A1B2C3D").
public struct StrapNamePattern: Equatable, Sendable {
    public let pattern: String

    public init(_ pattern: String) { self.pattern = pattern }

    public func matches(_ name: String?) -> Bool {
        guard let name else { return false }
        let glob = pattern.contains(where: { "*?[".contains($0) }) ? pattern : "*\(pattern)*"
        // 1 << 4 is FNM_CASEFOLD (a GNU extension Swift does not import).
        return fnmatch(glob, name, 1 << 4) == 0
    }
}
