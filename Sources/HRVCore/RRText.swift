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
        var text = text
        let result: Result<[Double], RRTextError> = text.withUTF8 { bytes in
            do throws(RRTextError) { return .success(try parse(bytes: bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Works on the UTF-8 bytes: a 24-hour recording has 10^5 lines, and String slicing per line
    /// costs more than the whole HRV analysis of it.
    static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(RRTextError) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(bytes.count / 5)
        var lineNumber = 0
        var sawData = false
        var lineStart = 0
        let n = bytes.count
        while lineStart < n {
            var lineEnd = lineStart
            while lineEnd < n && bytes[lineEnd] != 0x0A && bytes[lineEnd] != 0x0D { lineEnd += 1 }
            lineNumber += 1
            defer {
                // "\r\n" is one line break.
                var next = lineEnd
                if next < n && bytes[next] == 0x0D { next += 1 }
                if next < n && bytes[next] == 0x0A { next += 1 }
                lineStart = next
            }
            var end = lineEnd
            if let hash = (lineStart..<lineEnd).first(where: { bytes[$0] == UInt8(ascii: "#") }) { end = hash }
            // Fields between separators: blank, tab, comma, semicolon.
            var fields: [(Int, Int)] = []
            var i = lineStart
            while i < end {
                while i < end && isSeparator(bytes[i]) { i += 1 }
                let fieldStart = i
                while i < end && !isSeparator(bytes[i]) { i += 1 }
                if i > fieldStart { fields.append((fieldStart, i)) }
            }
            if fields.isEmpty { continue }
            var parsed: [Double] = []
            var bad: (Int, Int)?
            for f in fields {
                if let v = number(bytes, f.0, f.1) { parsed.append(v) } else if bad == nil { bad = f }
            }
            if let bad {
                let hasLetter = (lineStart..<end).contains { (bytes[$0] | 0x20) >= 0x61 && (bytes[$0] | 0x20) <= 0x7A }
                if !sawData && hasLetter { continue }  // a header before the data
                let field = String(decoding: UnsafeBufferPointer(rebasing: bytes[bad.0..<bad.1]), as: UTF8.self)
                throw .notANumber(line: lineNumber, text: field.count > 40 ? String(field.prefix(40)) + "…" : field)
            }
            guard fields.count <= 2 else { throw .tooManyColumns(line: lineNumber, count: fields.count) }
            let value = parsed[parsed.count - 1]
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

    @inline(__always)
    private static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == UInt8(ascii: ",") || b == UInt8(ascii: ";")
    }

    /// A finite decimal number spanning exactly bytes[start..<end], or nil. Only digits, one dot,
    /// a sign and an exponent are accepted (no "nan", "inf" or hexadecimal).
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        guard length > 0 && length < 64 else { return nil }
        for k in start..<end {
            let b = bytes[k]
            let ok = (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
            if !ok { return nil }
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: bytes[start + k]) }
            buffer[length] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &stop)
            guard let stop, stop == buffer.baseAddress! + length, value.isFinite else { return nil }
            return value
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
