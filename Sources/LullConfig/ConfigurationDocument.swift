// SPDX-License-Identifier: Apache-2.0
import Yams

/// The shape of a configuration file, checked with Yams before swift-configuration reads values.
///
/// swift-configuration answers "what is the value of key K"; it never says which keys a file holds
/// that nobody asked for, and its YAML snapshot flattens the tree without positions. An unattended
/// kiosk must not run on a default because of a typo, so this pass walks the tree Yams composes
/// (the same parser swift-configuration's YAML trait uses) and rejects unknown keys, sections that
/// are not mappings, values of the wrong shape and bad YAML, each with the key it concerns.
struct ConfigurationDocument {
    /// A value in the file: a scalar or a list of scalars, as written.
    struct Leaf {
        /// As written, for messages: `17`, `[10, 0]`.
        var text: String
        var isNull: Bool
        var isList: Bool
    }

    /// Every key the file sets (null values included), by dotted path.
    private(set) var leaves: [String: Leaf] = [:]
    /// No document, or only comments, or `~`: every default (swift-configuration's YAML snapshot
    /// refuses such a file, as its top level is not a mapping).
    private(set) var isEmpty = true

    /// Parses `text` (read from `file`, which only names it in messages).
    init(text: String, file: String) throws(ConfigurationError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Self.syntaxError(error, text: text, file: file)
        }
        guard let root else { return }  // empty, or only comments: every default
        guard case .mapping(let sections) = root else {
            if root.isNull { return }
            throw ConfigurationError(
                "\(file): the file must be a mapping of sections (\(ConfigurationKey.sections.joined(separator: ", "))), "
                    + "not \(Self.shape(root))")
        }
        isEmpty = false
        try walk(sections, prefix: [], file: file)
    }

    private mutating func walk(_ mapping: Node.Mapping, prefix: [String], file: String) throws(ConfigurationError) {
        for (keyNode, value) in mapping {
            guard case .scalar(let keyScalar) = keyNode, !keyScalar.string.isEmpty else {
                throw ConfigurationError(
                    "\(file): key \(Self.join(prefix + ["?"])): a key must be a plain name, not \(Self.shape(keyNode))")
            }
            let components = prefix + [keyScalar.string]
            let path = Self.join(components)
            if ConfigurationKey.named(path) == nil {
                guard Self.isSection(path) else { throw Self.unknownKey(path, value: value, file: file) }
                guard case .mapping(let inner) = value else {
                    if value.isNull { continue }  // an empty section: its defaults
                    throw ConfigurationError(
                        "\(file): key \(path): \(Self.text(of: value)) is not allowed (a section: "
                            + "\(Self.children(of: path).joined(separator: ", ")))")
                }
                try walk(inner, prefix: components, file: file)
                continue
            }
            switch value {
            case .scalar(let scalar):
                leaves[path] = Leaf(text: scalar.string, isNull: value.isNull, isList: false)
            case .sequence(let sequence):
                var items: [String] = []
                for item in sequence {
                    guard case .scalar(let scalar) = item else {
                        throw ConfigurationError("\(file): key \(path): a list may only hold plain values, not \(Self.shape(item))")
                    }
                    items.append(scalar.string)
                }
                leaves[path] = Leaf(text: "[" + items.joined(separator: ", ") + "]", isNull: false, isList: true)
            case .mapping, .alias:
                throw ConfigurationError(
                    "\(file): key \(path): \(Self.shape(value)) is not allowed (\(ConfigurationKey.named(path)?.allowed ?? ""))")
            }
        }
    }

    // MARK: - Messages

    /// Whether `path` is a section holding keys ("audio", "session.guidance").
    static func isSection(_ path: String) -> Bool {
        ConfigurationKey.all.contains { $0.path.hasPrefix(path + ".") }
    }

    /// The names directly under a section, for "audio has: device, period_frames, ...".
    static func children(of section: String) -> [String] {
        var names: [String] = []
        let depth = section.isEmpty ? 0 : section.split(separator: ".").count
        for key in ConfigurationKey.all where section.isEmpty || key.path.hasPrefix(section + ".") {
            let name = key.components[depth]
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    static func unknownKey(_ path: String, value: Node?, file: String) -> ConfigurationError {
        let components = path.split(separator: ".").map(String.init)
        let section = join(Array(components.dropLast()))
        let known = children(of: section)
        let hint = nearest(components.last ?? "", in: known).map { "; did you mean \(section.isEmpty ? "" : section + ".")\($0)?" } ?? ""
        let scope = section.isEmpty ? "the sections are" : "\(section) has"
        return ConfigurationError("\(file): key \(path): unknown key (\(scope) \(known.joined(separator: ", ")))\(hint)")
    }

    private static func syntaxError(_ error: any Error, text: String, file: String) -> ConfigurationError {
        var mark: Mark?
        var problem = "\(error)"
        if let yamlError = error as? YamlError {
            switch yamlError {
            case .scanner(_, let message, let where_, _), .parser(_, let message, let where_, _),
                .composer(_, let message, let where_, _):
                problem = message
                mark = where_
            case .duplicatedKeysInMapping(let duplicates, let context):
                problem = "the key \(duplicates.joined(separator: ", ")) is given twice"
                mark = context.mark
            case .reader(let message, _, _, _):
                problem = message
            default:
                break
            }
        }
        guard let mark else { return ConfigurationError("\(file): not valid YAML: \(problem)") }
        let near = keyPath(atLine: mark.line, in: text).map { " near key \($0)" } ?? ""
        return ConfigurationError("\(file):\(mark.line):\(mark.column): not valid YAML\(near): \(problem)")
    }

    /// The dotted path of the last key written at or before `line` (1-based), from indentation
    /// alone: the file did not parse, so there is no tree to ask.
    static func keyPath(atLine line: Int, in text: String) -> String? {
        var stack: [(indent: Int, key: String)] = []
        for (index, content) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where index < line {
            let indent = content.prefix { $0 == " " }.count
            let body = content.dropFirst(indent)
            guard !body.hasPrefix("#"), let colon = body.firstIndex(of: ":") else { continue }
            let key = body[..<colon]
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { continue }
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            stack.append((indent, String(key)))
        }
        return stack.isEmpty ? nil : stack.map(\.key).joined(separator: ".")
    }

    private static func shape(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): scalar.string.isEmpty ? "an empty value" : scalar.string
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private static func text(of node: Node) -> String {
        if case .sequence(let items) = node {
            return "[" + items.map { $0.scalar?.string ?? "…" }.joined(separator: ", ") + "]"
        }
        return shape(node)
    }

    private static func join(_ components: [String]) -> String { components.joined(separator: ".") }

    /// The known name closest to a misspelt one (at most 3 edits away), for "did you mean".
    static func nearest(_ name: String, in names: [String]) -> String? {
        let scored = names.map { ($0, editDistance(Array(name), Array($0))) }.filter { $0.1 <= 3 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

extension Node {
    /// `~`, `null` or nothing at all: YAML's null (its core schema), what `key:` alone means.
    fileprivate var isNull: Bool { tag.rawValue == Tag.Name.null.rawValue }
}
