// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A session's id beyond this journal: a random UUID (RFC 9562 §5.4, version 4) in lower-case text,
/// the form PostgreSQL's `uuid` type prints.
public enum SessionIdentity {
    public static func newUUID() -> String { UUID().uuidString.lowercased() }
}

/// The kiosk a session ran on: `kiosk.id` from the configuration, else one derived from the
/// machine's id, so it survives a reinstall of Lull (not of the operating system).
public enum KioskIdentity {
    /// The machine id, 32 lower-case hexadecimal digits (machine-id(5)).
    public static let machineIDPath = "/etc/machine-id"

    /// `configured` when given, else `kiosk-` and the first 12 hexadecimal digits of a name-based
    /// UUID (RFC 9562 §5.5, version 5, SHA-1) of the machine id in Lull's own namespace: the raw
    /// machine id must not leave the machine (machine-id(5) asks applications to hash it), and the
    /// same machine always gives the same kiosk id. "kiosk-unknown" without a machine id.
    public static func resolve(configured: String?, machineIDPath: String = machineIDPath) -> String {
        if let configured, !configured.isEmpty { return configured }
        guard let data = FileManager.default.contents(atPath: machineIDPath),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty
        else { return "kiosk-unknown" }
        return "kiosk-" + String(nameBasedUUID(namespace: lullNamespace, name: text).prefix(12))
    }

    /// Lull's UUID namespace for name-based ids (a fixed random UUID).
    static let lullNamespace: [UInt8] = [
        0x6c, 0x75, 0x6c, 0x6c, 0x2d, 0x6b, 0x49, 0x6f, 0x9a, 0x53, 0x6b, 0x00, 0x21, 0x0e, 0x7a, 0x4d,
    ]

    /// RFC 9562 §5.5: SHA-1 of namespace + name, version 5, variant 10; as 32 hexadecimal digits.
    static func nameBasedUUID(namespace: [UInt8], name: String) -> String {
        var digest = Array(SHA1.hash(namespace + Array(name.utf8)).prefix(16))
        digest[6] = (digest[6] & 0x0f) | 0x50
        digest[8] = (digest[8] & 0x3f) | 0x80
        return digest.map { String($0, radix: 16).leftPadded(2) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// SHA-1 (FIPS 180-4 §6.1), only for name-based UUIDs: not for anything that needs collision
/// resistance. Foundation on Linux has no digest, and one 20-byte hash is not worth a dependency.
enum SHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var bytes = message
        let bitLength = UInt64(message.count) * 8
        bytes.append(0x80)
        while bytes.count % 64 != 56 { bytes.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: bytes.count, by: 64) {
            for i in 0..<16 {
                w[i] = bytes[chunk + 4 * i..<chunk + 4 * i + 4].reduce(0) { $0 << 8 | UInt32($1) }
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) =
                    switch i {
                    case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
                    case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                    case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                    default: (b ^ c ^ d, 0xCA62_C1D6)
                    }
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, t)
            }
            h[0] &+= a
            h[1] &+= b
            h[2] &+= c
            h[3] &+= d
            h[4] &+= e
        }
        return h.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    }
}
