// SPDX-License-Identifier: Apache-2.0
import Configuration
import Glibc

/// `LULL_…` environment variables, read through swift-configuration's `EnvironmentVariablesProvider`.
struct EnvironmentLayer: ConfigurationLayer {
    private let provider: KeyMappingProvider<EnvironmentVariablesProvider>
    private let environment: [String: String]

    /// Rejects a `LULL_<SECTION>_…` variable that names no key (a typo in a systemd drop-in would
    /// otherwise be ignored for months). Variables outside the sections are left alone: they are
    /// not configuration keys.
    init(_ environment: [String: String]) throws(ConfigurationError) {
        // An empty variable means unset: systemd's `Environment=LULL_X=` is how an operator clears one.
        let set = environment.filter { $0.key.hasPrefix("LULL_") && !$0.value.isEmpty }
        let known = Set(ConfigurationKey.all.map(\.environmentName))
        for name in set.keys.sorted() where !known.contains(name) {
            guard let section = ConfigurationKey.sections.first(where: { name.hasPrefix("LULL_\($0.uppercased())_") })
            else { continue }
            let names = ConfigurationKey.all.filter { $0.components[0] == section }.map(\.environmentName)
            let hint = ConfigurationDocument.nearest(name, in: names).map { "; did you mean \($0)?" } ?? ""
            throw ConfigurationError(
                "environment \(name): key \(section).\(name.dropFirst(6 + section.count).lowercased()): unknown key "
                    + "(\(section) is set by \(names.joined(separator: ", ")))\(hint)")
        }
        self.environment = set
        // The provider looks names up case-insensitively; only the upper-case spelling is documented,
        // so only that one is handed over.
        provider = EnvironmentVariablesProvider(environmentVariables: set).prefixKeys(with: ConfigKey(["lull"]))
    }

    func value(of key: ConfigurationKey) throws(ConfigurationError) -> FoundValue? {
        guard let raw = environment[key.environmentName] else { return nil }
        return try lookup(key, components: key.components, raw: raw, origin: "environment \(key.environmentName)") {
            try provider.value(forKey: $0, type: $1)
        }
    }
}

/// The YAML file, read once, checked by `ConfigurationDocument` and then read through
/// swift-configuration's `YAMLSnapshot`.
struct FileLayer: ConfigurationLayer {
    private let path: String
    private let document: ConfigurationDocument
    /// nil for an empty document (nothing to look up).
    private let snapshot: YAMLSnapshot?

    /// A configuration file is a few kilobytes; anything this large is not one.
    static let maximumBytes = 1 << 20

    init(path: String) throws(ConfigurationError) {
        self.path = path
        let bytes = try Self.readWhole(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError("\(path): not UTF-8 text")
        }
        document = try ConfigurationDocument(text: text, file: path)
        guard !document.isEmpty else {
            snapshot = nil
            return
        }
        do {
            snapshot = try YAMLSnapshot(data: bytes.span.bytes, providerName: path, parsingOptions: .default)
        } catch {
            // The document pass accepts only what the snapshot reads; this is a safety net.
            throw ConfigurationError("\(path): not a configuration swift-configuration can read: \(error)")
        }
    }

    func value(of key: ConfigurationKey) throws(ConfigurationError) -> FoundValue? {
        guard let leaf = document.leaves[key.path], let snapshot else { return nil }
        if leaf.isNull {
            // `key:` with nothing after it: the default for optional keys, a mistake for the others.
            guard key.isOptional else {
                throw ConfigurationError("\(path): key \(key.path): no value (\(key.allowed); delete the line for the default)")
            }
            return nil
        }
        if key.type != .intList, leaf.isList {
            throw ConfigurationError("\(path): key \(key.path): \(leaf.text) is a list, not \(key.type.noun) (\(key.allowed))")
        }
        return try lookup(key, components: key.components, raw: leaf.text, origin: path) {
            try snapshot.value(forKey: $0, type: $1)
        }
    }

    /// The whole file, or one line saying why not ("Permission denied", "Is a directory").
    private static func readWhole(_ path: String) throws(ConfigurationError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw cannotRead(path, errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw cannotRead(path, errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumBytes {
                throw ConfigurationError("\(path): cannot read the configuration: larger than \(maximumBytes) bytes")
            }
        }
    }

    private static func cannotRead(_ path: String, _ code: Int32) -> ConfigurationError {
        ConfigurationError("\(path): cannot read the configuration: \(String(cString: strerror(code)))")
    }
}
