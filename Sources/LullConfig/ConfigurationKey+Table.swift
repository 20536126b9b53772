// SPDX-License-Identifier: Apache-2.0
import SynthCore

extension ConfigurationKey {
    /// Every key Lull reads, in the order of Config/lull.yaml. Anything else in the file, or any
    /// `LULL_<SECTION>_…` variable that names none of these, is an error.
    static let all: [ConfigurationKey] = strapAndAudio + sessionJournalControlKiosk + guidance

    /// The top-level sections ("strap", "audio", ...), for unknown-key messages and environment scans.
    static let sections: [String] = {
        var seen: [String] = []
        for key in all where !seen.contains(key.components[0]) { seen.append(key.components[0]) }
        return seen
    }()

    static func named(_ path: String) -> ConfigurationKey? { all.first { $0.path == path } }

    private static let strapAndAudio: [ConfigurationKey] = [
        .string(
            "strap.address", \.strap.address, allowed: "auto, simulate, unix:PATH or a Bluetooth address AA:BB:CC:DD:EE:FF",
            isValid: { $0 == "auto" || $0 == LullConfiguration.Strap.simulatedAddress || isEmulatorAddress($0) || isBluetoothAddress($0) }),
        .string(
            "strap.adapter", \.strap.adapter, allowed: "a Bluetooth adapter name hciN",
            isValid: { $0.hasPrefix("hci") && (4...6).contains($0.count) && $0.dropFirst(3).allSatisfy(\.isASCIIDigit) }),
        .bool("strap.auto_start_on_contact", \.strap.autoStartOnContact),
        .string(
            "strap.simulated_profile", \.strap.simulatedProfile, allowed: "anxious, calm or non-responder",
            isValid: { ["anxious", "calm", "non-responder"].contains($0) }),

        .string(
            "audio.device", \.audio.device, allowed: "an ALSA device name, a path ending in .wav, or none",
            isValid: isAudioDevice),
        .int("audio.period_frames", \.audio.periodFrames, 64...16384),
        // At least two periods is ALSA's own minimum for double buffering; the cross-check against
        // the period is in `crossCheck`.
        .int("audio.buffer_frames", \.audio.bufferFrames, 128...65536),
        .double("audio.ceiling_lufs", \.audio.ceilingLUFS, -40...(-10)),
    ]

    private static let sessionJournalControlKiosk: [ConfigurationKey] = [
        .double("session.default_minutes", \.session.defaultMinutes, 1...240),
        .intList("session.durations_minutes", \.session.durationsMinutes, each: 1...240, count: 1...8),
        .double("session.time_scale", \.session.timeScale, 1...100),
        make(
            "session.palette", .string, allowed: Palette.allCases.map(\.rawValue).joined(separator: ", "),
            \.session.palette, extract: \.string, wrap: { Palette(named: $0) ?? .default },
            isValid: { Palette(named: $0) != nil }, render: { quoted($0.rawValue) }),

        .optionalString(
            "journal.path", \.journal.path, allowed: "an absolute path to the SQLite file",
            unset: "the state directory's lull.sqlite", isValid: isAbsolutePath),
        // A month at least, so a typo cannot prune last week's sessions; ten years at most.
        ConfigurationKey(
            path: "journal.retention_days", type: .int, allowed: "0 (keep forever) or 30...3650",
            store: { configuration, value in
                guard case .int(let days) = value, days == 0 || (30...3650).contains(days) else { return false }
                configuration.journal.retentionDays = days
                return true
            },
            render: { "\($0.journal.retentionDays)" }),
        // The URL may hold a password, so it is never printed; the file is the better place for it.
        .optionalString(
            "journal.sync_to", \.journal.syncTo,
            allowed: "postgres://USER@HOST[:PORT]/DB[?sslmode=...] or postgres://USER@/DB?host=/socket/dir",
            unset: "sessions stay on this kiosk", isSecret: true,
            isValid: { ($0.hasPrefix("postgres://") || $0.hasPrefix("postgresql://")) && !$0.contains(where: isControl) }),
        .optionalString(
            "journal.sync_password_file", \.journal.syncPasswordFile, allowed: "an absolute path",
            unset: "the URL's password or systemd's credential lull-store-password", isValid: isAbsolutePath),

        .optionalString(
            "control.socket_path", \.control.socketPath,
            allowed: "an absolute path of at most 107 bytes (the limit of sun_path)",
            unset: "$RUNTIME_DIRECTORY/control.sock, $XDG_RUNTIME_DIR/lull/control.sock or /tmp/lull-$UID/control.sock",
            isValid: { isAbsolutePath($0) && $0.utf8.count <= 107 }),
        .optionalInt("control.port", \.control.port, 1024...65535, unset: "no TCP"),

        .optionalString(
            "kiosk.therapist_code", \.kiosk.therapistCode, allowed: TherapistCode.rule,
            unset: "the therapist view is refused", isSecret: true, isValid: TherapistCode.isStrong),
        .optionalString(
            "kiosk.id", \.kiosk.id, allowed: "1 to 63 letters, digits, '.', '_' or '-'",
            unset: "kiosk- and 12 hex digits derived from /etc/machine-id",
            isValid: { (1...63).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) } }),
    ]
}

// MARK: - Value checks

private func isControl(_ character: Character) -> Bool {
    character.unicodeScalars.contains { $0.properties.generalCategory == .control }
}

private func isAbsolutePath(_ path: String) -> Bool {
    path.hasPrefix("/") && path.count > 1 && !path.contains(where: isControl)
}

private func isEmulatorAddress(_ address: String) -> Bool {
    address.hasPrefix("unix:") && address.count > 5 && !address.contains(where: isControl)
}

/// "AA:BB:CC:DD:EE:FF", six hexadecimal octets (Core v5.3 Vol 2 Part B §1.2, the public device address).
private func isBluetoothAddress(_ address: String) -> Bool {
    let octets = address.split(separator: ":", omittingEmptySubsequences: false)
    return octets.count == 6 && octets.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }
}

private func isAudioDevice(_ device: String) -> Bool {
    guard !device.isEmpty, !device.contains(where: isControl), device.trimmingSpaces == device else { return false }
    if device.hasSuffix(".wav") { return device.count > 4 }
    return true
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " } ?? endIndex
        let end = lastIndex { $0 != " " }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
