// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import LullWire

/// The one JSON writer of every `--json` line, API body and stored summary: key order as written,
/// numbers as the contract prints them, text escaped so any reader parses it back.
@Suite struct JSONWriterTests {
    @Test func numbersAreIntegersWhenWholeShortestOtherwiseAndNullWhenNotFinite() {
        var w = JSONWriter()
        w.beginObject()
        w.field("whole", 300.0)
        w.field("tenth", 0.1)
        w.field("negative", -28.902233333333303)
        w.field("nan", Double.nan)
        w.field("infinity", Double.infinity)
        w.field("big", 1e300)
        w.field("count", 42)
        w.field("none", nil as Int?)
        w.endObject()
        #expect(
            w.text == #"{"whole":300,"tenth":0.1,"negative":-28.902233333333303,"nan":null,"infinity":null,"big":1e+300,"count":42,"none":null}"#)
    }

    @Test func keysKeepTheirOrderAndNestedObjectsAndArraysClose() {
        var w = JSONWriter()
        w.beginObject()
        w.field("z", "last letter first")
        w.beginObject("summary")
        w.field("a", true)
        w.endObject()
        w.beginArray("empty")
        w.endArray()
        w.field("b", false)
        w.endObject()
        #expect(w.text == #"{"z":"last letter first","summary":{"a":true},"empty":[],"b":false}"#)
    }

    @Test func everyStringComesBackThroughAJSONReader() throws {
        let hostile = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} del \u{7F} emoji 🫀 rtl \u{202E}x"
        var w = JSONWriter()
        w.beginObject()
        w.field("text", hostile)
        w.endObject()
        #expect(!w.text.contains("\n"), "one line")
        let parsed = try JSONSerialization.jsonObject(with: Data(w.text.utf8)) as? [String: String]
        #expect(parsed?["text"] == hostile)
    }
}

/// Client names: one rule for `--client`, `lull start --client` and `POST /api/start`.
@Suite struct ClientNameWireTests {
    @Test func namesAreTrimmedAndBoundedAndControlOrOverrideCharactersRefused() {
        #expect(ClientName.validated("  Ana  ") == "Ana")
        #expect(ClientName.validated(String(repeating: "é", count: 64)) != nil)
        #expect(ClientName.validated(String(repeating: "a", count: 65)) == nil)
        #expect(ClientName.validated("") == nil)
        #expect(ClientName.validated("bell\u{7}") == nil)
        #expect(ClientName.validated("evil\u{202E}txt.exe") == nil)
    }
}
