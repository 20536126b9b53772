// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// A deliberately broken configuration and what its error must name.
struct BrokenConfig: CustomTestStringConvertible, Sendable {
    var name: String
    /// The file's text; nil writes no file (the case supplies its own path or only variables).
    var yaml: String?
    var environment: [String: String] = [:]
    /// Replaces the path handed to `lull config check` ("DIR" is the test's scratch folder).
    var path: String?
    /// Every one of these must be in the error line.
    var mentions: [String]
    var testDescription: String { name }
}

/// `lull config check`: twenty-odd broken configurations each exit 78 (EX_CONFIG) with one line on
/// stderr that names the key (or, where no key is involved, the file), and nothing crashes.
@Suite struct ConfigCommandTests {
    static let broken: [BrokenConfig] = [
        .init(name: "int of the wrong type", yaml: "audio:\n  period_frames: lots\n",
            mentions: ["key audio.period_frames", "lots", "is not an integer", "64...16384"]),
        .init(name: "int out of range", yaml: "audio:\n  period_frames: 17\n",
            mentions: ["key audio.period_frames: 17 is out of range (64...16384)"]),
        .init(name: "fraction where an int belongs", yaml: "audio:\n  buffer_frames: 4096.5\n",
            mentions: ["key audio.buffer_frames", "4096.5"]),
        .init(name: "bool of the wrong type", yaml: "strap:\n  auto_start_on_contact: maybe\n",
            mentions: ["key strap.auto_start_on_contact", "maybe", "true or false"]),
        .init(name: "loudness ceiling too loud", yaml: "audio:\n  ceiling_lufs: -3\n",
            mentions: ["key audio.ceiling_lufs: -3 is out of range (-40...-10)"]),
        .init(name: "strap address not an address", yaml: "strap:\n  address: \"AA:BB:CC\"\n",
            mentions: ["key strap.address", "AA:BB:CC", "AA:BB:CC:DD:EE:FF"]),
        .init(name: "unknown simulated profile", yaml: "strap:\n  simulated_profile: sleepy\n",
            mentions: ["key strap.simulated_profile", "sleepy", "anxious, calm or non-responder"]),
        .init(name: "unknown section", yaml: "volume: 3\n", mentions: ["key volume: unknown key", "strap, audio"]),
        .init(name: "unknown key in a section", yaml: "audio:\n  volume: 3\n",
            mentions: ["key audio.volume: unknown key", "device, period_frames"]),
        .init(name: "misspelt guidance key", yaml: "session:\n  guidance:\n    match_second: 100\n",
            mentions: ["key session.guidance.match_second", "did you mean session.guidance.match_seconds?"]),
        .init(name: "section that is not a mapping", yaml: "audio: loud\n", mentions: ["key audio", "loud"]),
        .init(name: "list where one value belongs", yaml: "audio:\n  device: [default, none]\n",
            mentions: ["key audio.device", "[default, none]", "is a list"]),
        .init(name: "one value where a list belongs", yaml: "session:\n  durations_minutes: 20\n",
            mentions: ["key session.durations_minutes", "20", "a list of integers"]),
        .init(name: "list item out of range", yaml: "session:\n  durations_minutes: [10, 0]\n",
            mentions: ["key session.durations_minutes", "[10, 0]", "each 1...240"]),
        .init(name: "bad YAML", yaml: "audio:\n  device: [default\n  period_frames: 1024\n",
            mentions: ["not valid YAML", "near key audio."]),
        .init(name: "key given twice", yaml: "audio:\n  device: default\n  device: none\n",
            mentions: ["not valid YAML", "device", "twice"]),
        .init(name: "the whole file a list", yaml: "- audio\n- strap\n", mentions: ["must be a mapping", "strap, audio"]),
        .init(name: "a directory, not a file", path: "DIR", mentions: ["DIR", "cannot read", "Is a directory"]),
        .init(name: "a file that does not exist", path: "DIR/missing.yaml",
            mentions: ["DIR/missing.yaml", "No such file or directory"]),
        .init(name: "buffer smaller than two periods", yaml: "audio:\n  period_frames: 1024\n  buffer_frames: 1024\n",
            mentions: ["key audio.buffer_frames: 1024 is out of range (at least 2 × audio.period_frames = 2048"]),
        .init(name: "time scale with a real strap", yaml: "session:\n  time_scale: 10\n",
            mentions: ["key session.time_scale: 10", "strap.address is simulate"]),
        .init(name: "retention shorter than a month", yaml: "journal:\n  retention_days: 7\n",
            mentions: ["key journal.retention_days: 7", "0 (keep forever) or 30...3650"]),
        .init(name: "privileged control port", yaml: "control:\n  port: 80\n",
            mentions: ["key control.port: 80 is out of range (1024...65535)"]),
        .init(name: "relative socket path", yaml: "control:\n  socket_path: run/control.sock\n",
            mentions: ["key control.socket_path", "run/control.sock", "absolute path"]),
        .init(name: "therapist code too short (never echoed)", yaml: "kiosk:\n  therapist_code: \"123456\"\n",
            mentions: ["key kiosk.therapist_code: the value is not allowed", "10 to 256 characters", "not a run"]),
        .init(name: "therapist code of six spaces", yaml: "kiosk:\n  therapist_code: \"      \"\n",
            mentions: ["key kiosk.therapist_code: the value is not allowed", "at least 5 different characters"]),
        .init(name: "therapist code that is a run", yaml: "kiosk:\n  therapist_code: \"0123456789\"\n",
            mentions: ["key kiosk.therapist_code: the value is not allowed", "not a run"]),
        .init(name: "guidance pace above its bound", yaml: "session:\n  guidance:\n    lead_tempo_bpm_per_minute: 5\n",
            mentions: ["key session.guidance.lead_tempo_bpm_per_minute: 5", "session.guidance.max_tempo_slew_bpm_per_minute = 3"]),
        .init(name: "guidance not a number", yaml: "session:\n  guidance:\n    follow_ratio: .nan\n",
            mentions: ["key session.guidance.follow_ratio", ".nan", "1...2"]),
        .init(name: "required key left empty", yaml: "audio:\n  period_frames:\n",
            mentions: ["key audio.period_frames: no value"]),
        .init(name: "variable of the wrong type", yaml: "audio:\n  period_frames: 1024\n",
            environment: ["LULL_AUDIO_PERIOD_FRAMES": "abc"],
            mentions: ["environment LULL_AUDIO_PERIOD_FRAMES: key audio.period_frames: abc is not an integer"]),
        .init(name: "variable out of range", environment: ["LULL_SESSION_DEFAULT_MINUTES": "0.5"], path: "",
            mentions: ["environment LULL_SESSION_DEFAULT_MINUTES: key session.default_minutes: 0.5 is out of range (1...240)"]),
        .init(name: "variable naming no key", yaml: "", environment: ["LULL_AUDIO_VOLUME": "3"],
            mentions: ["environment LULL_AUDIO_VOLUME", "unknown key", "LULL_AUDIO_DEVICE"]),
    ]

    @Test(arguments: broken)
    func brokenConfigurationExits78WithOneLineNamingTheKey(_ config: BrokenConfig) throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("lull.yaml")
        if let yaml = config.yaml { try Data(yaml.utf8).write(to: file) }
        var arguments = ["config", "check"]
        let path = config.path.map { $0.replacingOccurrences(of: "DIR", with: folder.path) } ?? file.path
        if !path.isEmpty { arguments.append(path) }

        let result = try LullProcess.run(arguments, environment: Self.cleanEnvironment.merging(config.environment) { $1 })

        #expect(result.status == 78, "\(config.name): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1, "one line, got: \(result.stderr)")
        for mention in config.mentions.map({ $0.replacingOccurrences(of: "DIR", with: folder.path) }) {
            #expect(result.stderr.contains(mention), "\(config.name): \(result.stderr) lacks \(mention)")
        }
        #expect(result.stdout.isEmpty)
        #expect(!config.mentions.contains("12345") && !result.stderr.contains("12345"), "the code is never echoed")
    }

    @Test(.enabled(if: geteuid() != 0, "root reads a file whatever its mode"))
    func unreadableFileExits78NamingTheFile() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("lull.yaml")
        try Data("audio:\n  device: none\n".utf8).write(to: file)
        chmod(file.path, 0)
        let result = try LullProcess.run(["config", "check", file.path], environment: Self.cleanEnvironment)
        #expect(result.status == 78)
        #expect(result.stderr == "lull: \(file.path): cannot read the configuration: Permission denied\n")
    }

    @Test func shippedConfigurationChecksOkAndPrintsEveryKey() throws {
        let shipped = LullProcess.repositoryRoot.appendingPathComponent("Config/lull.yaml").path
        let result = try LullProcess.run(["config", "check", shipped], environment: Self.cleanEnvironment)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(shipped): ok")
        #expect(lines.contains("audio.period_frames: 1024"))
        #expect(lines.contains("session.durations_minutes: [10, 20, 30]"))
        #expect(lines.contains("session.guidance.guide_step_fraction: 0.75"))
        #expect(lines.contains { $0.hasPrefix("kiosk.therapist_code: null") })
        #expect(lines.count > 60, "every key is printed")
        #expect(result.stderr.isEmpty)
    }

    @Test func environmentOverridesAreWhatCheckPrints() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("lull.yaml")
        try Data("audio:\n  device: default\nkiosk:\n  therapist_code: s3cret-code\n".utf8).write(to: file)
        let result = try LullProcess.run(
            ["config", "check", file.path],
            environment: Self.cleanEnvironment.merging(["LULL_AUDIO_DEVICE": "none", "LULL_SESSION_DURATIONS_MINUTES": "5,15"]) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\naudio.device: none\n"))
        #expect(result.stdout.contains("\nsession.durations_minutes: [5, 15]\n"))
        #expect(result.stdout.contains("\nkiosk.therapist_code: (set, not shown)\n"))
        #expect(!result.stdout.contains("s3cret-code"))
    }

    @Test func quietPrintsOnlyTheOkLine() throws {
        let shipped = LullProcess.repositoryRoot.appendingPathComponent("Config/lull.yaml").path
        let result = try LullProcess.run(["config", "check", "--quiet", shipped], environment: Self.cleanEnvironment)
        #expect(result.status == 0)
        #expect(result.stdout == "\(shipped): ok\n")
    }

    /// The test runner's own `LULL_…` variables (a real-strap run sets LULL_STRAP_ADDRESS) would be
    /// overrides; an empty variable counts as unset.
    static var cleanEnvironment: [String: String] {
        var environment: [String: String] = [:]
        for name in ProcessInfo.processInfo.environment.keys where name.hasPrefix("LULL_") { environment[name] = "" }
        return environment
    }

    private func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
