// SPDX-License-Identifier: Apache-2.0
import Configuration
public import Guidance

extension LullConfiguration {
    /// Reads the configuration: defaults, then the YAML file at `path` (nil: no file), then `LULL_…`
    /// variables from `environment`; every key validated, unknown keys rejected.
    ///
    /// Values are looked up through swift-configuration's providers (its YAML snapshot over Yams,
    /// and `EnvironmentVariablesProvider`, whose key encoding gives `LULL_AUDIO_PERIOD_FRAMES` for
    /// `audio.period_frames`), layered here rather than through `ConfigReader`: its getters turn a
    /// value of the wrong type into "absent" (and so into the default), and its required getters'
    /// errors are package-internal, so neither could tell an operator which source held the bad
    /// value. Each provider is asked in turn and a failure is reported with its origin.
    public static func load(path: String?, environment: [String: String]) async throws(ConfigurationError)
        -> LullConfiguration
    {
        var layers: [any ConfigurationLayer] = [try EnvironmentLayer(environment)]
        if let path { layers.append(try FileLayer(path: path)) }

        var configuration = LullConfiguration()
        var origins: [String: FoundValue] = [:]
        for key in ConfigurationKey.all {
            guard let found = try firstValue(of: key, in: layers) else { continue }
            guard key.store(&configuration, found.value) else {
                throw found.error(key, "\(found.shown(key)) is \(key.type == .string ? "not allowed" : "out of range") (\(key.allowed))")
            }
            origins[key.path] = found
        }
        try CrossCheck(configuration: configuration, origins: origins, fallbackOrigin: path ?? "configuration").run()
        return configuration
    }

    /// The guidance the controller runs with: `session.guidance` under the audio ceiling too, so
    /// `audio.ceiling_lufs` caps every target whatever the guidance keys say.
    public var effectiveGuidance: GuidanceConfiguration {
        var guidance = session.guidance
        guidance.ceilingLoudnessLUFS = min(guidance.ceilingLoudnessLUFS, audio.ceilingLUFS)
        return guidance
    }

    /// Every key with its effective value, in file order: what `lull config check` prints. The
    /// therapist code is never shown.
    public var effectiveValues: [(key: String, value: String)] {
        ConfigurationKey.all.map { ($0.path, $0.render(self)) }
    }

    private static func firstValue(of key: ConfigurationKey, in layers: [any ConfigurationLayer]) throws(ConfigurationError)
        -> FoundValue?
    {
        for layer in layers {
            if let found = try layer.value(of: key) { return found }
        }
        return nil
    }
}

/// A value found for a key, and where.
struct FoundValue {
    var value: SettingValue
    /// As written: the YAML text or the variable's value.
    var raw: String
    /// "/etc/lull/lull.yaml" or "environment LULL_AUDIO_DEVICE".
    var origin: String

    func shown(_ key: ConfigurationKey) -> String {
        if key.isSecret { return "the value" }
        return raw.isEmpty ? "\"\"" : raw
    }

    func error(_ key: ConfigurationKey, _ problem: String) -> ConfigurationError {
        ConfigurationError("\(origin): key \(key.path): \(problem)")
    }
}

/// One source of values, asked in precedence order.
protocol ConfigurationLayer {
    func value(of key: ConfigurationKey) throws(ConfigurationError) -> FoundValue?
}

extension ConfigurationLayer {
    /// Asks a swift-configuration provider or snapshot for `key` with the key's type.
    func lookup(
        _ key: ConfigurationKey, components: [String], raw: String, origin: String,
        in ask: (AbsoluteConfigKey, ConfigType) throws -> LookupResult
    ) throws(ConfigurationError) -> FoundValue? {
        let content: ConfigContent?
        do {
            content = try ask(AbsoluteConfigKey(components), key.type.configType).value?.content
        } catch {
            let found = FoundValue(value: .string(raw), raw: raw, origin: origin)
            throw found.error(key, "\(found.shown(key)) is not \(key.type.noun) (\(key.allowed))")
        }
        guard let content, let value = SettingValue(content) else { return nil }
        return FoundValue(value: value, raw: raw, origin: origin)
    }
}

extension SettingType {
    var configType: ConfigType {
        switch self {
        case .string: .string
        case .bool: .bool
        case .int: .int
        case .double: .double
        case .intList: .intArray
        }
    }
}

extension SettingValue {
    init?(_ content: ConfigContent) {
        switch content {
        case .string(let string): self = .string(string)
        case .bool(let bool): self = .bool(bool)
        case .int(let int): self = .int(int)
        case .double(let double): self = .double(double)
        case .intArray(let list): self = .intList(list)
        default: return nil
        }
    }
}
