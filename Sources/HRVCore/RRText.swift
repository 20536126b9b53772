// SPDX-License-Identifier: Apache-2.0

/// Why an RR text could not be read; `line` is 1-based.
public enum RRTextError: Error, Equatable, CustomStringConvertible {
    case notANumber(line: Int, text: String)
    case notPositive(line: Int, value: Double)
    case tooManyColumns(line: Int, count: Int)
    /// Outside `RRBounds.recordedMilliseconds`, after the seconds-or-milliseconds decision.
    case outOfRange(line: Int, milliseconds: Double)
    case empty
    case tooShort(count: Int)
    /// A line longer than `RRText.maximumLineBytes`.
    case lineTooLong(line: Int)

    public var description: String {
        switch self {
        case .notANumber(let line, let text): "line \(line): '\(text)' is not a number"
        case .notPositive(let line, let value): "line \(line): RR interval \(value) is not a positive duration"
        case .tooManyColumns(let line, let count):
            "line \(line): \(count) columns; expected one RR value, or a beat time and an RR value"
        case .outOfRange(let line, let milliseconds):
            "line \(line): RR interval \(milliseconds) ms is outside \(Int(RRBounds.recordedMilliseconds.lowerBound))-"
                + "\(Int(RRBounds.recordedMilliseconds.upperBound)) ms"
        case .lineTooLong(let line): "line \(line): longer than \(RRText.maximumLineBytes) bytes"
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
    /// Lines longer than this are an error (`lineTooLong`): an RR line is a few bytes, a Kubios
    /// header a few dozen, and a reader that carries a cut line from one chunk to the next must not
    /// grow without bound on a file with no line breaks.
    public static let maximumLineBytes = 65_536

    public static func parse(_ text: String) throws(RRTextError) -> [Double] {
        var text = text
        let result: Result<[Double], RRTextError> = text.withUTF8 { bytes in
            do throws(RRTextError) { return .success(try parse(bytes: bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Works on the UTF-8 bytes, one pass and no allocation per line: a 24-hour recording has 10⁵
    /// lines, and reading them is the part of `lull hrv` no second core can share.
    static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(RRTextError) -> [Double] {
        var reader = RRTextReader(expectedBytes: bytes.count)
        try reader.read(bytes)
        return try reader.finish()
    }

    @inline(__always)
    static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == UInt8(ascii: ",") || b == UInt8(ascii: ";")
    }

    /// A finite decimal number spanning exactly bytes[start..<end], or nil. Only digits, one dot,
    /// a sign and an exponent are accepted (no "nan", "inf" or hexadecimal).
    ///
    /// Plain decimals of at most 15 digits (every RR value) take Clinger's fast path (Clinger 1990,
    /// "How to read floating point numbers accurately", PLDI): the digits as an integer below 2⁵³
    /// and a power of ten up to 10²² are both exact doubles, so one division rounds correctly and
    /// gives strtod's value. Anything else goes to strtod.
    static func number(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var k = start
        let negative = p[k] == UInt8(ascii: "-")
        if negative || p[k] == UInt8(ascii: "+") { k += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var dot = false
        while k < end {
            let b = p[k]
            if b >= 0x30 && b <= 0x39 {
                mantissa = mantissa &* 10 &+ UInt64(b &- 0x30)
                digits += 1
                if dot { fractionDigits += 1 }
            } else if b == UInt8(ascii: ".") && !dot {
                dot = true
            } else {
                break
            }
            k += 1
        }
        if k == end && digits > 0 && digits <= 15 {
            let magnitude = Double(mantissa) / exactPowersOfTen[fractionDigits]
            return negative ? -magnitude : magnitude
        }
        return parsedByStrtod(p, start, end)
    }

    /// 10⁰ … 10¹⁵, each exact in a Double.
    private static let exactPowersOfTen: [Double] = (0...15).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    private static func parsedByStrtod(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        guard length > 0 && length < 64 else { return nil }
        for k in start..<end {
            let b = p[k]
            let ok = (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
            if !ok { return nil }
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: p[start + k]) }
            buffer[length] = 0
            var stop: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &stop)
            guard let stop, stop == buffer.baseAddress! + length, value.isFinite else { return nil }
            return value
        }
    }
}

/// `RRText` read a chunk at a time, so a recording is never held as text: only its values, which
/// the analysis needs, grow with it. Lines cut at a chunk's end are carried to the next chunk.
public struct RRTextReader: Sendable {
    private var values: [Double] = []
    private var lineNumber = 0
    private var sawData = false
    // The first value outside the accepted range, read as milliseconds and read as seconds: which
    // one counts is known only at the end, when the mean decides the unit.
    private var outOfRangeAsMilliseconds: (line: Int, value: Double)?
    private var outOfRangeAsSeconds: (line: Int, value: Double)?
    /// The start of a line the last chunk cut.
    private var carried: [UInt8] = []

    /// - Parameter expectedBytes: the text's size when known (values are reserved for it).
    public init(expectedBytes: Int = 0) {
        values.reserveCapacity(expectedBytes / 5)
    }

    /// Reads every complete line of `bytes` (with what an earlier chunk left cut).
    public mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(RRTextError) {
        guard bytes.count > 0 else { return }
        // Only up to the last line feed: a "\r\n" cut between chunks must stay one line break.
        var cut = bytes.count
        while cut > 0 && bytes[cut - 1] != 0x0A { cut -= 1 }
        if cut == 0 {
            carried.append(contentsOf: bytes)
            if carried.count > RRText.maximumLineBytes { throw .lineTooLong(line: lineNumber + 1) }
            return
        }
        if carried.isEmpty {
            try lines(UnsafeBufferPointer(rebasing: bytes[..<cut]))
        } else {
            carried.append(contentsOf: bytes[..<cut])
            let joined = carried
            carried.removeAll(keepingCapacity: true)
            try joined.withUnsafeBufferPointer { (buffer) throws(RRTextError) in try lines(buffer) }
        }
        carried.append(contentsOf: bytes[cut...])
        if carried.count > RRText.maximumLineBytes { throw .lineTooLong(line: lineNumber + 1) }
    }

    /// The values in milliseconds, once the whole text has been read.
    public mutating func finish() throws(RRTextError) -> [Double] {
        if !carried.isEmpty {
            let last = carried
            carried = []
            try last.withUnsafeBufferPointer { (buffer) throws(RRTextError) in try lines(buffer) }
        }
        guard !values.isEmpty else { throw .empty }
        guard values.count >= 3 else { throw .tooShort(count: values.count) }
        var sum = 0.0
        for v in values { sum += v }
        let inSeconds = sum / Double(values.count) < 10
        if let bad = inSeconds ? outOfRangeAsSeconds : outOfRangeAsMilliseconds {
            throw .outOfRange(line: bad.line, milliseconds: bad.value)
        }
        if inSeconds {
            for i in values.indices { values[i] *= 1000 }
        }
        return values
    }

    /// Reads whole lines (the last one may lack its line break).
    private mutating func lines(_ bytes: UnsafeBufferPointer<UInt8>) throws(RRTextError) {
        guard let p = bytes.baseAddress else { return }
        var lineStart = 0
        let n = bytes.count
        while lineStart < n {
            // The line, and where a '#' comment cuts it.
            var lineEnd = lineStart
            var end = -1
            while lineEnd < n {
                let b = p[lineEnd]
                if b == 0x0A || b == 0x0D { break }
                if b == UInt8(ascii: "#") && end < 0 { end = lineEnd }
                lineEnd += 1
            }
            if end < 0 { end = lineEnd }
            lineNumber += 1
            if lineEnd - lineStart > RRText.maximumLineBytes { throw .lineTooLong(line: lineNumber) }
            let start = lineStart
            // "\r\n" is one line break.
            lineStart = lineEnd
            if lineStart < n && p[lineStart] == 0x0D { lineStart += 1 }
            if lineStart < n && p[lineStart] == 0x0A { lineStart += 1 }
            // Fields between separators (blank, tab, comma, semicolon): how many, the last one's
            // value, and the first that is not a number.
            var fieldCount = 0
            var value = 0.0
            var bad: (Int, Int)?
            var i = start
            while true {
                while i < end && RRText.isSeparator(p[i]) { i += 1 }
                if i >= end { break }
                let fieldStart = i
                while i < end && !RRText.isSeparator(p[i]) { i += 1 }
                fieldCount += 1
                if let v = RRText.number(p, fieldStart, i) { value = v } else if bad == nil { bad = (fieldStart, i) }
            }
            if fieldCount == 0 { continue }
            if let bad {
                let hasLetter = (start..<end).contains { (p[$0] | 0x20) >= 0x61 && (p[$0] | 0x20) <= 0x7A }
                if !sawData && hasLetter { continue }  // a header before the data
                let field = String(decoding: UnsafeBufferPointer(start: p + bad.0, count: bad.1 - bad.0), as: UTF8.self)
                throw .notANumber(line: lineNumber, text: field.count > 40 ? String(field.prefix(40)) + "…" : field)
            }
            guard fieldCount <= 2 else { throw .tooManyColumns(line: lineNumber, count: fieldCount) }
            guard value > 0 else { throw .notPositive(line: lineNumber, value: value) }
            sawData = true
            values.append(value)
            if outOfRangeAsMilliseconds == nil && !RRBounds.recordedMilliseconds.contains(value) {
                outOfRangeAsMilliseconds = (lineNumber, value)
            }
            if outOfRangeAsSeconds == nil && !RRBounds.recordedMilliseconds.contains(value * 1000) {
                outOfRangeAsSeconds = (lineNumber, value * 1000)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
