// SPDX-License-Identifier: Apache-2.0

/// The faults a strap emulator injects, parsed from `--faults`.
///
/// Syntax: comma-separated items. Times marked "recording" count seconds of playback (one
/// notification per second, scaled by the pace); times marked "wall" are real seconds, because
/// they exist to exercise the client's wall-clock timers.
///
/// - `drop=N` or `drop=N/D`: close the link every N recording seconds; with `/D`, also stop
///   listening for D wall seconds, like a strap that stops advertising.
/// - `stall=D@T`: at recording second T, send nothing for D wall seconds (beats are held, not lost).
/// - `garbage=N`: every N recording seconds, send one malformed PDU (rotating through an unknown
///   opcode, a truncated notification, a truncated 0x2A37 value, an unknown handle, a cut Error Response).
/// - `contact-off=T+D`: report no skin contact from recording second T for D seconds.
/// - `burst=N`: every N recording seconds, send the next three notifications at once.
public struct EmulatorFaults: Equatable, Sendable {
    public var dropEverySeconds: Int?
    public var downWallSeconds: Double = 0
    public var stalls: [(atSecond: Int, wallSeconds: Double)] = []
    public var garbageEverySeconds: Int?
    public var contactOff: [ClosedRange<Int>] = []
    public var burstEverySeconds: Int?

    public init() {}

    public static func == (lhs: EmulatorFaults, rhs: EmulatorFaults) -> Bool {
        lhs.dropEverySeconds == rhs.dropEverySeconds && lhs.downWallSeconds == rhs.downWallSeconds
            && lhs.stalls.map(\.atSecond) == rhs.stalls.map(\.atSecond)
            && lhs.stalls.map(\.wallSeconds) == rhs.stalls.map(\.wallSeconds)
            && lhs.garbageEverySeconds == rhs.garbageEverySeconds && lhs.contactOff == rhs.contactOff
            && lhs.burstEverySeconds == rhs.burstEverySeconds
    }

    /// Why a `--faults` value was rejected: the item and what was wrong with it.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public var item: String
        public var problem: String
        public var description: String { "--faults item '\(item)': \(problem)" }
    }

    public init(parsing spec: String) throws(ParseError) {
        self.init()
        for item in spec.split(separator: ",").map({ $0.trimmingCharacters() }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw ParseError(item: item, problem: "expected NAME=VALUE (drop, stall, garbage, contact-off, burst)")
            }
            let value = parts[1]
            func positiveInt(_ text: Substring) throws(ParseError) -> Int {
                guard let number = Int(text), number > 0 else { throw ParseError(item: item, problem: "'\(text)' is not a positive whole number of seconds") }
                return number
            }
            func seconds(_ text: Substring) throws(ParseError) -> Double {
                guard let number = Double(text), number >= 0, number.isFinite else { throw ParseError(item: item, problem: "'\(text)' is not a number of seconds") }
                return number
            }
            switch parts[0] {
            case "drop":
                let pieces = value.split(separator: "/", omittingEmptySubsequences: false)
                guard pieces.count <= 2 else { throw ParseError(item: item, problem: "expected drop=N or drop=N/D") }
                dropEverySeconds = try positiveInt(pieces[0])
                if pieces.count == 2 { downWallSeconds = try seconds(pieces[1]) }
            case "stall":
                let pieces = value.split(separator: "@", omittingEmptySubsequences: false)
                guard pieces.count == 2 else { throw ParseError(item: item, problem: "expected stall=D@T") }
                stalls.append((try positiveInt(pieces[1]), try seconds(pieces[0])))
            case "garbage":
                garbageEverySeconds = try positiveInt(Substring(value))
            case "contact-off":
                let pieces = value.split(separator: "+", omittingEmptySubsequences: false)
                guard pieces.count == 2 else { throw ParseError(item: item, problem: "expected contact-off=T+D") }
                let start = try positiveInt(pieces[0])
                contactOff.append(start...(start + (try positiveInt(pieces[1])) - 1))
            case "burst":
                burstEverySeconds = try positiveInt(Substring(value))
            default:
                throw ParseError(item: item, problem: "unknown fault '\(parts[0])' (drop, stall, garbage, contact-off, burst)")
            }
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
