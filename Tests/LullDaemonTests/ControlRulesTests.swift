// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

import LullWire

@testable import LullDaemon

/// The control API's pure rules: the therapist code's attempt limiter (in virtual time), client
/// names, and duplicate JSON keys.
@Suite struct ControlRulesTests {
    /// Before: 10,000 wrong codes took 2.1 s. Now an attacker who waits exactly as long as told,
    /// from a new source every time, needs the global schedule's 299,581 s (about 83 h).
    @Test func tenThousandWrongCodesTakeAtLeastAnHourAndTheRightCodeStillWorksAfter() {
        var limiter = CodeAttemptLimiter()
        let start = ContinuousClock.now
        var now = start
        var refusals = 0
        for attempt in 0..<10_000 {
            while true {
                switch limiter.attempt(source: "origin-\(attempt)", at: now) {
                case .admitted: break
                case .wait(let delay):
                    refusals += 1
                    now += delay
                    continue
                }
                break
            }
        }
        let elapsed = now - start
        #expect(elapsed >= .seconds(3600))
        // 1 + 2 + 4 + 8 + 16 + (10,000 − 15) × 30 s: the arithmetic of the README and the limiter.
        let expectedSeconds: Int64 = 1 + 2 + 4 + 8 + 16 + 9_985 * 30
        #expect(elapsed == .seconds(expectedSeconds))
        #expect(refusals == 9_990)

        // The kiosk's therapist, afterwards: told to wait at most 30 s, then admitted, and the
        // right code clears the count, so the next mistake is free again.
        guard case .wait(let delay) = limiter.attempt(source: "kiosk page", at: now) else {
            Issue.record("an attempt right after the last wrong one must wait")
            return
        }
        #expect(delay == .seconds(30))
        now += delay
        #expect(limiter.attempt(source: "kiosk page", at: now) == .admitted(failures: 10_001))
        limiter.succeeded(source: "kiosk page")
        #expect(limiter.attempt(source: "kiosk page", at: now) == .admitted(failures: 1))
    }

    /// One source alone slows down after 3 mistakes (1 s, 2 s, 4 s ... 60 s), long before the
    /// global limit; parallel attempts at one instant cannot all pass before the first is judged.
    @Test func oneSourceSlowsDownAfterThreeMistakesAndParallelAttemptsAreCounted() {
        var limiter = CodeAttemptLimiter()
        let start = ContinuousClock.now
        for n in 1...3 { #expect(limiter.attempt(source: "a", at: start) == .admitted(failures: n)) }
        #expect(limiter.attempt(source: "a", at: start) == .wait(.seconds(1)))
        // Another source is not slowed by a's mistakes (the global limit starts at 10).
        #expect(limiter.attempt(source: "b", at: start) == .admitted(failures: 4))
        #expect(limiter.attempt(source: "a", at: start + .seconds(1)) == .admitted(failures: 5))
        #expect(limiter.attempt(source: "a", at: start + .seconds(1)) == .wait(.seconds(2)))
        #expect(CodeAttemptLimiter.perSource.delay(afterFailures: 40) == .seconds(60))
        // An hour without mistakes forgives them.
        #expect(limiter.attempt(source: "a", at: start + .seconds(3601)) == .admitted(failures: 1))
    }

    /// Before: the API counted grapheme clusters (a letter with 3,000 combining marks passed), let
    /// U+202E through, and the CLI checked nothing at all.
    @Test func clientNamesAreTrimmedAndCountedInScalarsAndBytesWithoutControlOrBidi() {
        #expect(ClientName.validated("A7") == "A7")
        #expect(ClientName.validated("  Ada Lovelace \n") == "Ada Lovelace")
        #expect(ClientName.validated("") == nil)
        #expect(ClientName.validated(" \t\n ") == nil)
        #expect(ClientName.validated("a\nb") == nil)
        #expect(ClientName.validated("\u{1B}[31mred") == nil)
        #expect(ClientName.validated("abc\u{7F}") == nil)
        #expect(ClientName.validated("x\u{85}y") == nil)
        #expect(ClientName.validated("evil\u{202E}gpj.exe") == nil)
        #expect(ClientName.validated("a\u{2066}b\u{2069}") == nil)
        #expect(ClientName.validated("a\u{2028}b") == nil)
        let zalgo = "e" + String(repeating: "\u{301}", count: 3_000)
        #expect(zalgo.count == 1)
        #expect(ClientName.validated(zalgo) == nil)
        #expect(ClientName.validated(String(repeating: "é", count: 64)) != nil)
        #expect(ClientName.validated(String(repeating: "a", count: 65)) == nil)
        // 64 CJK letters are 192 bytes; 48 four-byte emoji too; one more of either is refused.
        #expect(ClientName.validated(String(repeating: "漢", count: 64)) != nil)
        #expect(ClientName.validated(String(repeating: "🙂", count: 48)) != nil)
        #expect(ClientName.validated(String(repeating: "🙂", count: 49)) == nil)
        #expect(ClientName.validated(String(repeating: "x", count: 100_000)) == nil)
        #expect(ClientName.validated("Zoë 李") == "Zoë 李")
    }

    @Test func storedNamesArePrintedWithTheirControlCharactersEscaped() {
        #expect(ClientName.printable("\u{1B}[2J\u{1B}[31mowned") == "\\u{1B}[2J\\u{1B}[31mowned")
        #expect(ClientName.printable("a\nb\u{202E}c") == "a\\u{A}b\\u{202E}c")
        #expect(ClientName.printable("Zoë") == "Zoë")
    }

    @Test func aDuplicateKeyIsFoundEvenWhenOneIsEscaped() {
        #expect(JSONObjectKeys.firstDuplicate(in: #"{"client":"a","client":"b"}"#) == "client")
        #expect(JSONObjectKeys.firstDuplicate(in: #"{"minutes":5,"cli\u0065nt":"a","client":"b"}"#) == "client")
        #expect(JSONObjectKeys.firstDuplicate(in: #"{"minutes":5,"client":"a,\"client\":"}"#) == nil)
        #expect(JSONObjectKeys.firstDuplicate(in: #"{"a":{"x":1,"x":2},"b":[{"y":1},{"y":2}]}"#) == nil)
        #expect(JSONObjectKeys.firstDuplicate(in: #"{"minutes":20,"client":"A7"}"#) == nil)
    }
}
