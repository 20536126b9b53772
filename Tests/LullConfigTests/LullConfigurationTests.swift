// SPDX-License-Identifier: Apache-2.0
import Foundation
import Guidance
import Testing

@testable import LullConfig

@Suite struct LullConfigurationTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/lull.yaml").path

    @Test func shippedFileLoadsAsExactlyTheDefaults() async throws {
        let configuration = try await LullConfiguration.load(path: Self.shipped, environment: [:])
        #expect(configuration == LullConfiguration())
    }

    @Test func shippedFileWritesOutEveryKeyWithTheDefaultValue() throws {
        let text = try String(contentsOfFile: Self.shipped, encoding: .utf8)
        let document = try ConfigurationDocument(text: text, file: Self.shipped)
        let defaults = LullConfiguration()
        for key in ConfigurationKey.all {
            let leaf = try #require(document.leaves[key.path], "Config/lull.yaml lacks \(key.path)")
            let rendered = key.render(defaults)
            // Optional keys are written `null` (their default); the others as the default value.
            #expect(leaf.isNull ? rendered.hasPrefix("null") : rendered == leaf.text, "\(key.path): \(leaf.text)")
        }
        #expect(document.leaves.count == ConfigurationKey.all.count)
    }

    @Test func noFileAndNoVariablesIsTheDefaults() async throws {
        #expect(try await LullConfiguration.load(path: nil, environment: ["HOME": "/root", "LULLABY": "x"]) == LullConfiguration())
    }

    /// Every field of GuidanceConfiguration has its key: a field added later without one fails here.
    @Test func everyGuidanceFieldHasASnakeCaseKey() {
        let fields = Mirror(reflecting: GuidanceConfiguration()).children.compactMap(\.label).map(Self.snakeCase)
        let keys = ConfigurationKey.guidance.map { String($0.path.dropFirst("session.guidance.".count)) }
        #expect(keys.sorted() == fields.sorted())
    }

    @Test func everyGuidanceKeyReachesItsField() async throws {
        // Each key alone, set to a value inside its range and unlike the default, read back through
        // its LULL_ variable. A few values break a relation with another key's default (a pace above
        // its bound); those must say so, naming this key.
        var readBack = 0
        for key in ConfigurationKey.guidance {
            let value = try Self.nonDefaultValue(key)
            do {
                let loaded = try await LullConfiguration.load(path: nil, environment: [key.environmentName: value])
                #expect(key.render(loaded) == value, "\(key.path)")
                readBack += 1
            } catch {
                #expect(error.description.contains("key \(key.path): \(value) is out of range (at "), "\(error)")
            }
        }
        #expect(readBack >= ConfigurationKey.guidance.count - 8)
    }

    @Test func environmentWinsOverTheFile() async throws {
        let file = try Self.write("audio:\n  device: hw:0,0\n  period_frames: 512\nsession:\n  default_minutes: 30\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let configuration = try await LullConfiguration.load(
            path: file,
            environment: [
                "LULL_AUDIO_DEVICE": "none", "LULL_SESSION_DURATIONS_MINUTES": "5, 15", "LULL_STRAP_ADDRESS": "simulate",
                "LULL_SESSION_TIME_SCALE": "20", "LULL_STRAP_AUTO_START_ON_CONTACT": "true", "LULL_CONTROL_PORT": "8080",
                "LULL_SESSION_GUIDANCE_GUIDE_STEP_FRACTION": "0.8", "LULL_JOURNAL_PATH": "",
            ])
        #expect(configuration.audio.device == "none")  // environment over file
        #expect(configuration.audio.periodFrames == 512)  // file over default
        #expect(configuration.session.defaultMinutes == 30)
        #expect(configuration.session.durationsMinutes == [5, 15])
        #expect(configuration.strap.address == "simulate")
        #expect(configuration.session.timeScale == 20)
        #expect(configuration.strap.autoStartOnContact)
        #expect(configuration.control.port == 8080)
        #expect(configuration.session.guidance.guideStepFraction == 0.8)
        #expect(configuration.journal.path == nil)  // empty variable: unset
    }

    @Test func optionalKeysAreNilWhenNullAndReadWhenSet() async throws {
        let file = try Self.write(
            "journal:\n  path: /var/lib/lull/j.sqlite\n  retention_days: 365\ncontrol:\n  socket_path: ~\n"
                + "kiosk:\n  therapist_code: 'open sesame'\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let configuration = try await LullConfiguration.load(path: file, environment: [:])
        #expect(configuration.journal.path == "/var/lib/lull/j.sqlite")
        #expect(configuration.journal.retentionDays == 365)
        #expect(configuration.control.socketPath == nil)
        #expect(configuration.kiosk.therapistCode == "open sesame")
        #expect(configuration.effectiveValues.first { $0.key == "kiosk.therapist_code" }?.value == "(set, not shown)")
    }

    @Test func errorsAreOneLineNamingFileKeyValueAndRange() async throws {
        let file = try Self.write("audio:\n  period_frames: 17\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let error = await #expect(throws: ConfigurationError.self) {
            try await LullConfiguration.load(path: file, environment: [:])
        }
        #expect(error?.description == "\(file): key audio.period_frames: 17 is out of range (64...16384)")
    }

    @Test func syntaxErrorGivesLineColumnAndTheNearestKey() async throws {
        let file = try Self.write("strap:\n  address: auto\naudio:\n  device: \"default\n  period_frames: 1024\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let error = await #expect(throws: ConfigurationError.self) {
            try await LullConfiguration.load(path: file, environment: [:])
        }
        let description = try #require(error?.description)
        #expect(description.hasPrefix("\(file):"))
        #expect(description.contains("not valid YAML near key audio."))
        #expect(!description.contains("\n"))
    }

    @Test func effectiveGuidanceIsCappedByTheAudioCeiling() async throws {
        let configuration = try await LullConfiguration.load(path: nil, environment: ["LULL_AUDIO_CEILING_LUFS": "-24"])
        #expect(configuration.session.guidance.ceilingLoudnessLUFS == -18)
        #expect(configuration.effectiveGuidance.ceilingLoudnessLUFS == -24)
    }

    @Test func anEmptyFileIsTheDefaults() async throws {
        let file = try Self.write("# nothing set\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try await LullConfiguration.load(path: file, environment: [:]) == LullConfiguration())
    }

    // MARK: - Helpers

    static func snakeCase(_ name: String) -> String {
        // camelCase with acronyms: maxTempoSlewBPMPerMinute -> max_tempo_slew_bpm_per_minute.
        var words: [String] = []
        var current = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let startsWord = character.isUppercase
                && (!(current.last?.isUppercase ?? true) || (next?.isLowercase ?? false))
            if startsWord, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(character)
        }
        words.append(current)
        return words.map { $0.lowercased() }.joined(separator: "_")
    }

    /// A value inside the key's range that is not its default: the range's midpoint, nudged.
    static func nonDefaultValue(_ key: ConfigurationKey) throws -> String {
        let bounds = key.allowed.components(separatedBy: "...").compactMap(Double.init)
        let (low, high) = (try #require(bounds.first), try #require(bounds.last))
        var value = (low + high) / 2
        if formatNumber(value) == key.render(LullConfiguration()) { value = (value + high) / 2 }
        return formatNumber(value)
    }

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lull-config-\(UUID().uuidString).yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// `kiosk.therapist_code`'s minimum strength (before: "123456" and six spaces were accepted).
@Suite struct TherapistCodeTests {
    @Test func weakCodesAreRefusedAndReasonableOnesAccepted() {
        for weak in [
            "123456", "      ", String(repeating: " ", count: 12), "0123456789", "9876543210", "abcdefghij",
            "7890123456", "aaaaaaaaaaaa", "abababababab", "abcabcabcabc", " padded-code-9", "padded-code-9 ",
            "tab\tinside-code", String(repeating: "x", count: 257),
        ] {
            #expect(!TherapistCode.isStrong(weak), "\(weak.debugDescription) must be refused")
        }
        for strong in ["kiosk-test-7391", "open sesame", "4711-0815-99", "Birke Ahorn Linde"] {
            #expect(TherapistCode.isStrong(strong), "\(strong.debugDescription) must be accepted")
        }
    }
}
