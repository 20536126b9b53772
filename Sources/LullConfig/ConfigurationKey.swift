// SPDX-License-Identifier: Apache-2.0

/// One configuration key: its path, its type, what it allows, and how it lands in
/// `LullConfiguration`. The key table (`ConfigurationKey.all`) is the single list that loading,
/// unknown-key detection, environment names and `lull config check`'s printout all read, so a key
/// can never be documented, validated and printed under three different spellings.
struct ConfigurationKey: Sendable {
    /// The dotted path as written in the YAML file: "audio.period_frames".
    let path: String
    let type: SettingType
    /// What is allowed, for messages: "64...16384", "auto, simulate, unix:PATH or AA:BB:CC:DD:EE:FF".
    let allowed: String
    /// Stores a value of `type`; false when it is not allowed (the caller names key, value, `allowed`).
    let store: @Sendable (inout LullConfiguration, SettingValue) -> Bool
    /// The effective value, as it would be written in the file.
    let render: @Sendable (LullConfiguration) -> String
    /// Never print the value (the therapist code).
    var isSecret = false
    /// Null (`key:` alone, `~`) means the default, nil; for the other keys it is an error.
    var isOptional = false

    var components: [String] { path.split(separator: ".").map(String.init) }

    /// `LULL_` + the path upper-cased with `_` for `.`, which is also what swift-configuration's
    /// `EnvironmentVariablesProvider` computes for the key `lull.<path>`.
    var environmentName: String { "LULL_" + path.uppercased().replacingOccurrences(".", with: "_") }
}

/// The type a key's value must have.
enum SettingType: Sendable {
    case string, bool, int, double, intList

    /// For "abc is not an integer".
    var noun: String {
        switch self {
        case .string: "a string"
        case .bool: "true or false"
        case .int: "an integer"
        case .double: "a number"
        case .intList: "a list of integers"
        }
    }
}

/// A value of the right type, before the range check.
enum SettingValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case int(Int)
    case double(Double)
    case intList([Int])
}

extension String {
    /// Foundation-free replacement (the config module reads no files through Foundation).
    fileprivate func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

// MARK: - Builders

extension SettingValue {
    var int: Int? { if case .int(let value) = self { value } else { nil } }
    var double: Double? { if case .double(let value) = self { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    var intList: [Int]? { if case .intList(let value) = self { value } else { nil } }
}

extension ConfigurationKey {
    /// The one way a key stores a value: take it out of `SettingValue`, check it, write it through
    /// `keyPath` (wrapped by `wrap`, for optional fields).
    static func make<Value, Field>(
        _ path: String, _ type: SettingType, allowed: String,
        _ keyPath: any (WritableKeyPath<LullConfiguration, Field> & Sendable),
        extract: @escaping @Sendable (SettingValue) -> Value?, wrap: @escaping @Sendable (Value) -> Field,
        isValid: @escaping @Sendable (Value) -> Bool, render: @escaping @Sendable (Field) -> String,
        isSecret: Bool = false, isOptional: Bool = false
    ) -> Self {
        Self(
            path: path, type: type, allowed: allowed,
            store: { configuration, value in
                guard let value = extract(value), isValid(value) else { return false }
                configuration[keyPath: keyPath] = wrap(value)
                return true
            },
            render: { render($0[keyPath: keyPath]) },
            isSecret: isSecret, isOptional: isOptional
        )
    }

    static func int(
        _ path: String, _ keyPath: any (WritableKeyPath<LullConfiguration, Int> & Sendable), _ range: ClosedRange<Int>
    ) -> Self {
        make(path, .int, allowed: "\(range.lowerBound)...\(range.upperBound)", keyPath, extract: \.int, wrap: { $0 },
            isValid: range.contains, render: { "\($0)" })
    }

    static func optionalInt(
        _ path: String, _ keyPath: any (WritableKeyPath<LullConfiguration, Int?> & Sendable), _ range: ClosedRange<Int>,
        unset: String
    ) -> Self {
        make(path, .int, allowed: "\(range.lowerBound)...\(range.upperBound)", keyPath, extract: \.int, wrap: { $0 },
            isValid: range.contains, render: { $0.map { "\($0)" } ?? "null  # \(unset)" }, isOptional: true)
    }

    static func double(
        _ path: String, _ keyPath: any (WritableKeyPath<LullConfiguration, Double> & Sendable),
        _ range: ClosedRange<Double>
    ) -> Self {
        make(path, .double, allowed: rangeText(range), keyPath, extract: \.double, wrap: { $0 },
            isValid: range.contains, render: formatNumber)
    }

    static func bool(_ path: String, _ keyPath: any (WritableKeyPath<LullConfiguration, Bool> & Sendable)) -> Self {
        make(path, .bool, allowed: "true or false", keyPath, extract: \.bool, wrap: { $0 }, isValid: { _ in true },
            render: { "\($0)" })
    }

    static func string(
        _ path: String, _ keyPath: any (WritableKeyPath<LullConfiguration, String> & Sendable), allowed: String,
        isValid: @escaping @Sendable (String) -> Bool
    ) -> Self {
        make(path, .string, allowed: allowed, keyPath, extract: \.string, wrap: { $0 }, isValid: isValid, render: quoted)
    }

    static func optionalString(
        _ path: String, _ keyPath: any (WritableKeyPath<LullConfiguration, String?> & Sendable), allowed: String,
        unset: String, isSecret: Bool = false, isValid: @escaping @Sendable (String) -> Bool
    ) -> Self {
        make(path, .string, allowed: allowed, keyPath, extract: \.string, wrap: { $0 }, isValid: isValid,
            render: { value in value.map { isSecret ? "(set, not shown)" : quoted($0) } ?? "null  # \(unset)" },
            isSecret: isSecret, isOptional: true)
    }

    static func intList(
        _ path: String, _ keyPath: any (WritableKeyPath<LullConfiguration, [Int]> & Sendable),
        each range: ClosedRange<Int>, count: ClosedRange<Int>
    ) -> Self {
        make(path, .intList,
            allowed: "\(count.lowerBound) to \(count.upperBound) values, each \(range.lowerBound)...\(range.upperBound)",
            keyPath, extract: \.intList, wrap: { $0 },
            isValid: { count.contains($0.count) && $0.allSatisfy(range.contains) },
            render: { "[" + $0.map(String.init).joined(separator: ", ") + "]" })
    }
}

func rangeText(_ range: ClosedRange<Double>) -> String {
    "\(formatNumber(range.lowerBound))...\(formatNumber(range.upperBound))"
}

/// "20", "-18", "0.75": whole numbers without a trailing ".0", as an operator writes them.
func formatNumber(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return "\(Int(value))" }
    return "\(value)"
}

/// A string as YAML would need it written: plain when that reads back as the same string.
func quoted(_ value: String) -> String {
    let plain = value.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
        && !["true", "false", "yes", "no", "on", "off", "null", "~"].contains(value.lowercased())
        && !value.isEmpty && Double(value) == nil
    if plain { return value }
    var escaped = "\""
    for character in value {
        switch character {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        default: escaped.append(character)
        }
    }
    return escaped + "\""
}
