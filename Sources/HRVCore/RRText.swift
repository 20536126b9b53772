// SPDX-License-Identifier: Apache-2.0

/// Why an RR text could not be read; `line` is 1-based.
public enum RRTextError: Error, Equatable, CustomStringConvertible {
    case notANumber(line: Int, text: String)
    case notPositive(line: Int, value: Double)
    case tooManyColumns(line: Int, count: Int)
    case empty
    case tooShort(count: Int)

    public var description: String {
        switch self {
        case .notANumber(let line, let text): "line \(line): '\(text)' is not a number"
        case .notPositive(let line, let value): "line \(line): RR interval \(value) is not a positive duration"
        case .tooManyColumns(let line, let count):
            "line \(line): \(count) columns; expected one RR value, or a beat time and an RR value"
        case .empty: "no RR intervals in it"
        case .tooShort(let count): "only \(count) RR interval\(count == 1 ? "" : "s"); at least 3 are needed"
        }
    }
}

/// Reads RR intervals from text, as Kubios HRV's "RR interval" text import does.
///
/// - One RR interval per line ("type 1" text), or two columns (beat time, RR value) as Lull's
///   Kubios export writes them; separators are blanks, tabs, commas or semicolons.
/// - Values in seconds are recognised as Kubios does, by magnitude: when the mean value is below
///   10 the file is taken to be in seconds and converted to milliseconds.
/// - '#' starts a comment. Lines with letters before the first value (a Kubios export header such
///   as "Time (s)  RR (ms)") are skipped; after the first value, any line that is not a number is
///   an error naming its line.
public enum RRText {
    public static func parse(_ text: String) throws(RRTextError) -> [Double] {
        var values: [Double] = []
        var lineNumber = 0
        var sawData = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            var line = rawLine[...]
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == ";" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard let last = fields.last, let value = Double(last), fields.allSatisfy({ Double($0) != nil }) else {
                let bad = fields.first { Double($0) == nil }.map(String.init) ?? String(line)
                if !sawData && line.contains(where: \.isLetter) { continue }  // header
                throw .notANumber(line: lineNumber, text: bad.count > 40 ? String(bad.prefix(40)) + "…" : bad)
            }
            guard fields.count <= 2 else { throw .tooManyColumns(line: lineNumber, count: fields.count) }
            guard value.isFinite, fields.allSatisfy({ Double($0)!.isFinite }) else {
                throw .notANumber(line: lineNumber, text: String(last))
            }
            guard value > 0 else { throw .notPositive(line: lineNumber, value: value) }
            sawData = true
            values.append(value)
        }
        guard !values.isEmpty else { throw .empty }
        guard values.count >= 3 else { throw .tooShort(count: values.count) }
        var sum = 0.0
        for v in values { sum += v }
        if sum / Double(values.count) < 10 {
            for i in values.indices { values[i] *= 1000 }
        }
        return values
    }
}
