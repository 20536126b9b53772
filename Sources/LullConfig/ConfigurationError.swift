// SPDX-License-Identifier: Apache-2.0

/// A configuration that cannot be used, said in one line that names where (the file, or the
/// environment variable), the key, the value and what is allowed:
/// `/etc/lull/lull.yaml: key audio.period_frames: 17 is out of range (64...16384)`.
///
/// One line because it ends up in `systemctl status` and the journal, where an operator reads it
/// without context; `lull daemon` and `lull config check` exit with `exitStatus` on it.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String

    /// EX_CONFIG from sysexits.h: "something was found in an unconfigured or misconfigured state".
    /// The unit's `RestartPreventExitStatus=78` keeps systemd from restarting into the same error.
    public static let exitStatus: Int32 = 78

    public init(_ description: String) {
        // Never more than one line, whatever a value or a parser message held.
        self.description = description.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
