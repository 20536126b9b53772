// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import HRVCore

@Suite struct RRTextTests {
    @Test func readsMillisecondsCommentsAndBlankLines() throws {
        #expect(try RRText.parse("# a comment\n812\n\n  790.5 \r\n801 # trailing\n") == [812, 790.5, 801])
    }

    @Test func recognisesSecondsByMagnitudeAsKubiosDoes() throws {
        #expect(try RRText.parse("0.812\n0.79\n0.801\n") == [812, 790, 801])
    }

    @Test func readsAKubiosExportWithHeaderAndTimeColumn() throws {
        let text = "Time (s)\tRR (ms)\n0.812\t812\n1.602\t790\n2.403\t801\n"
        #expect(try RRText.parse(text) == [812, 790, 801])
    }

    @Test(arguments: [
        ("800\n810\nabc\n820\n", RRTextError.notANumber(line: 3, text: "abc")),
        ("800\n-5\n820\n", RRTextError.notPositive(line: 2, value: -5)),
        ("800\n0\n820\n", RRTextError.notPositive(line: 2, value: 0)),
        ("800\n1 2 3\n820\n", RRTextError.tooManyColumns(line: 2, count: 3)),
        ("# nothing\n\n", RRTextError.empty),
        ("800\n810\n", RRTextError.tooShort(count: 2)),
        ("800\n810\nnan\n", RRTextError.notANumber(line: 3, text: "nan")),
        // Values that trapped a Double-to-Int conversion or exhausted memory before the range check.
        ("800\n1e300\n820\n", RRTextError.outOfRange(line: 2, milliseconds: 1e300)),
        ("800\n810\n1e9\n820\n", RRTextError.outOfRange(line: 3, milliseconds: 1e9)),
        ("800\n150\n820\n", RRTextError.outOfRange(line: 2, milliseconds: 150)),
        ("0.8\n0.81\n12.5\n", RRTextError.outOfRange(line: 3, milliseconds: 12_500)),
    ])
    func badInputNamesTheLine(_ text: String, _ expected: RRTextError) {
        #expect(throws: expected) { try RRText.parse(text) }
    }

    /// Plain decimals take a fast path of their own; it must give bit for bit what the C library
    /// (Swift's `Double(String)`) reads, for values of 1 to 15 digits with the dot anywhere.
    @Test func decimalsReadBitForBitAsTheCLibraryReadsThem() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var lines: [String] = []
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let digitCount = Int(state >> 60) % 15 + 1
            var limit: UInt64 = 1
            for _ in 0..<digitCount { limit *= 10 }
            let digits = String((state >> 4) % (limit - 1) + 1)
            let padded = String(repeating: "0", count: digitCount - digits.count) + digits
            let dot = Int((state >> 1) & 0xF) % (digitCount + 1)
            let cut = padded.index(padded.startIndex, offsetBy: dot)
            lines.append(String(padded[..<cut]) + "." + String(padded[cut...]))
        }
        // The number reader itself: most of these values are outside the accepted RR range.
        let parsed = lines.map { line in
            var text = line
            return text.withUTF8 { RRText.number($0.baseAddress!, 0, $0.count) ?? .nan }
        }
        let expected = try lines.map { try #require(Double($0), "\($0)") }
        #expect(parsed.count == expected.count)
        let mismatches = zip(parsed, expected).filter { $0.0.bitPattern != $0.1.bitPattern }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// A real sinus pause of 5.6 s (as in a 24-hour Holter recording) is still read.
    @Test func readsALongPauseWithinTheRecordedRange() throws {
        #expect(try RRText.parse("800\n5625\n820\n") == [800, 5625, 820])
        #expect(RRTextError.outOfRange(line: 2, milliseconds: 1e300).description
            == "line 2: RR interval 1e+300 ms is outside 200-10000 ms")
    }

    @Test func errorTextNamesTheLine() {
        #expect(RRTextError.notANumber(line: 3, text: "abc").description == "line 3: 'abc' is not a number")
    }
}

/// `lull hrv` reads files a chunk at a time: every way of cutting a text into chunks must read
/// as the whole text does, values and errors alike.
@Suite struct RRTextReaderTests {
    static func read(_ text: String, chunk: Int) -> Result<[Double], RRTextError> {
        let bytes = Array(text.utf8)
        var reader = RRTextReader()
        do throws(RRTextError) {
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + chunk)
                try bytes[start..<end].withUnsafeBufferPointer { (b) throws(RRTextError) in try reader.read(b) }
                start = end
            }
            return .success(try reader.finish())
        } catch {
            return .failure(error)
        }
    }

    @Test(arguments: [
        "Time (s)\tRR (ms)\r\n0.812\t812\r\n1.602\t790\r\n2.403\t801\r\n# end\r\n",
        "# a comment\n812\n\n  790.5 \r\n801 # trailing",
        "0.812\r0.79\r0.801\r",
        "800\n810\nabc\n820\n",
        "800\r\n-5\r\n820\r\n",
        "0.8\n0.81\n12.5\n",
    ])
    func everyChunkingReadsAsTheWholeText(_ text: String) {
        let whole: Result<[Double], RRTextError>
        do throws(RRTextError) { whole = .success(try RRText.parse(text)) } catch { whole = .failure(error) }
        for chunk in 1...(text.utf8.count + 1) {
            #expect(Self.read(text, chunk: chunk) == whole, "chunks of \(chunk) bytes")
        }
    }

    /// A file with no line breaks is refused at the limit, not held whole.
    @Test func anEndlessLineIsAnErrorAtTheLimit() {
        let line = "800\n" + String(repeating: "8", count: RRText.maximumLineBytes + 10) + "\n810\n"
        #expect(Self.read(line, chunk: 4096) == .failure(.lineTooLong(line: 2)))
        #expect(Self.read(line, chunk: 1 << 20) == .failure(.lineTooLong(line: 2)))
        #expect(throws: RRTextError.lineTooLong(line: 2)) { try RRText.parse(line) }
    }
}
