// SPDX-License-Identifier: Apache-2.0
import Testing
import HRVCore

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
    ])
    func badInputNamesTheLine(_ text: String, _ expected: RRTextError) {
        #expect(throws: expected) { try RRText.parse(text) }
    }

    @Test func errorTextNamesTheLine() {
        #expect(RRTextError.notANumber(line: 3, text: "abc").description == "line 3: 'abc' is not a number")
    }
}
