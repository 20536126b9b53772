// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Shared RR recordings from ../shared/data/rr beside the repository (present in CI).
enum Recordings {
    static func milliseconds(_ name: String) throws -> [Double] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/rr/\(name).txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// A unique socket path in the temporary folder (sun_path holds 107 bytes).
    static func socketPath(_ tag: String) -> String {
        "/tmp/lull-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
    }
}
