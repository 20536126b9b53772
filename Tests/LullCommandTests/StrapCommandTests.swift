// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// `lull strap`, `lull scan` and `lull emulate-strap` as users and scripts run them.
@Suite(.timeLimit(.minutes(1)))
struct StrapCommandTests {
    static let recording = "polar_h10_slow_breathing_brennan"

    /// The recording's RR values in the strap's 1/1024 s unit, as the emulator must send them.
    static func expectedTicks(_ url: URL) throws -> [Int] {
        try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
            .compactMap { Double($0) }.map { Int(($0 * 1.024).rounded()) }
    }

    /// Plays the whole shared recording through `lull emulate-strap` into `lull strap --json` and
    /// returns the rr_1024 values received, in order.
    struct Run: @unchecked Sendable {
        var ticks: [Int]
        var expected: [Int]
        var strapStatus: Int32
        var emulatorStatus: Int32
        var emulatorLog: String
        var strapLog: String
        var lines: [[String: Any]]
    }

    /// Runs `playThroughBlocking` on a thread of its own: it blocks on pipes and child exits for
    /// seconds, and must not hold one of the cooperative pool's threads (one per core) meanwhile.
    static func playThrough(recording: String = Self.recording, faults: String, speed: Int) async throws -> Run {
        try await offPool { try playThroughBlocking(recording: recording, faults: faults, speed: speed) }
    }

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    static func playThroughBlocking(recording: String, faults: String, speed: Int) throws -> Run {
        let url = try #require(LullProcess.sharedRecording(recording), "../shared/data/rr/\(recording).txt is missing")
        let expected = try expectedTicks(url)
        let path = "/tmp/lull-e2e-\(getpid())-\(UUID().uuidString.prefix(8)).sock"
        let emulator = try StrapLiveProcess([
            "emulate-strap", "--listen", "unix:\(path)", "--rr", url.path, "--faults", faults, "--speed", String(speed),
        ])
        // Started at the same moment: the client's first connects may find no listener and back off.
        let strap = try StrapLiveProcess(["strap", "--strap", "unix:\(path)", "--json"])
        var ticks: [Int] = []
        var lines: [[String: Any]] = []
        while ticks.count < expected.count, let line = strap.nextLine() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            lines.append(object)
            ticks += try #require(object["rr_1024"] as? [Int])
        }
        let emulatorStatus = emulator.waitForExit()
        let strapStatus = strap.interrupt()
        return Run(
            ticks: ticks, expected: expected, strapStatus: strapStatus, emulatorStatus: emulatorStatus,
            emulatorLog: emulator.stderr, strapLog: strap.stderr, lines: lines)
    }

    @Test func everyRRValueArrivesExactlyOverAUnixSocket() async throws {
        let run = try await Self.playThrough(faults: "garbage=13", speed: 200)
        #expect(run.ticks == run.expected)
        #expect(run.ticks.count == 620)
        #expect(run.emulatorStatus == 0)
        // Ctrl-C ends lull strap cleanly.
        #expect(run.strapStatus == 0)
        #expect(run.emulatorLog.contains("played 620 of 620 RR values"))
        let first = try #require(run.lines.first)
        #expect(Set(first.keys) == ["time_s", "heart_rate_bpm", "rr_ms", "rr_1024", "beat_times_s", "contact", "energy_kj", "battery_percent"])
        #expect(first["battery_percent"] as? Int == 87)
        // Energy expended rides on every 10th notification only.
        let withEnergy = run.lines.filter { !($0["energy_kj"] is NSNull) }.count
        #expect(withEnergy == run.lines.count / 10)
    }

    @Test func everyRRValueArrivesExactlyWhileTheLinkDropsEvery60sWithGarbage() async throws {
        let run = try await Self.playThrough(faults: "drop=60,garbage=7", speed: 200)
        #expect(run.ticks == run.expected)
        #expect(run.emulatorStatus == 0)
        #expect(run.strapStatus == 0)
        #expect(run.emulatorLog.contains("11 connections, 10 drops, 86 garbage PDUs"))
        #expect(run.strapLog.components(separatedBy: "link lost: the strap closed the link").count - 1 >= 10)
    }

    @Test func textLinesShowHeartRateRRContactAndBatteryAndCtrlCStopsBothVerbs() async throws {
        let (lines, strapStatus, emulatorStatus, emulatorLog) = try await Self.offPool { () throws -> ([String], Int32, Int32, String) in
            let path = "/tmp/lull-text-\(getpid())-\(UUID().uuidString.prefix(8)).sock"
            // The built-in rhythm (300 beats around 64 bpm) at 20x.
            let emulator = try StrapLiveProcess(["emulate-strap", "--listen", "unix:\(path)", "--speed", "20"])
            let strap = try StrapLiveProcess(["strap", "--strap", "unix:\(path)"])
            var lines: [String] = []
            while lines.count < 12, let line = strap.nextLine() { lines.append(line) }
            let strapStatus = strap.interrupt()
            let emulatorStatus = emulator.interrupt()
            return (lines, strapStatus, emulatorStatus, emulator.stderr)
        }
        #expect(lines.count == 12)
        let pattern = /HR \d+ bpm  RR (-|[0-9. ]+ ms)  contact detected(  energy \d+ kJ)?  battery 87%/
        for line in lines { #expect(line.wholeMatch(of: pattern) != nil, "line: \(line)") }
        #expect(lines.contains { $0.contains("energy") })
        #expect(strapStatus == 0)
        #expect(emulatorStatus == 0)
        #expect(emulatorLog.contains("stopped after"))
    }

    @Test func aStrapSilentFor5sIsReconnectedWithTheDefaultWatchdogAndLosesNothing() async throws {
        // 337 beats (5 min) at 50x; at recording second 100 the emulator goes silent for 7 wall s.
        let run = try await Self.playThrough(recording: "nsrdb_pyhrv_5min", faults: "stall=7@100", speed: 50)
        #expect(run.ticks == run.expected)
        #expect(run.ticks.count == 337)
        #expect(run.strapLog.contains("link lost: no measurement for 5 s"))
        #expect(run.emulatorLog.contains("1 stalls"))
        #expect(run.strapStatus == 0)
    }

    @Test(.enabled(if: !Self.kernelHasBluetooth))
    func scanWithoutBluetoothIsAClearOneLineError() throws {
        let result = try LullProcess.run(["scan", "--seconds", "1"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: Bluetooth is not available on this machine (address family not supported)\n")
    }

    @Test(.enabled(if: !Self.kernelHasBluetooth))
    func strapToAnAddressWithoutBluetoothIsAClearOneLineError() throws {
        let result = try LullProcess.run(["strap", "--strap", "AA:BB:CC:DD:EE:FF"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: Bluetooth is not available on this machine (address family not supported)\n")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: [
        (["strap", "--strap", "AA:BB:CC:DD:EE"], "invalid strap address 'AA:BB:CC:DD:EE': expected AA:BB:CC:DD:EE:FF, auto or unix:PATH"),
        (["strap", "--strap", "AA:BB:CC:DD:EE:FF/odd"], "invalid strap address 'AA:BB:CC:DD:EE:FF/odd'"),
        (["emulate-strap", "--listen", "unix:/tmp/x.sock", "--faults", "drop=x"], "--faults item 'drop=x': 'x' is not a positive whole number of seconds"),
        (["emulate-strap", "--listen", "unix:/tmp/x.sock", "--faults", "wobble=3"], "--faults item 'wobble=3': unknown fault 'wobble'"),
        (["emulate-strap", "--listen", "unix:/tmp/x.sock", "--rr", "/nonexistent/rr.txt"], "--rr /nonexistent/rr.txt: cannot read it"),
        (["emulate-strap", "--listen", "/tmp/x.sock"], "--listen /tmp/x.sock: expected unix:PATH"),
        (["scan", "--seconds", "0"], "--seconds 0.0: must be more than 0"),
    ])
    func badInputNamesWhatAndWhere(arguments: [String], message: String) throws {
        let result = try LullProcess.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "stderr was: \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    static var kernelHasBluetooth: Bool {
        let fd = socket(AF_BLUETOOTH, Int32(SOCK_SEQPACKET.rawValue), 0)
        if fd >= 0 { close(fd) }
        return fd >= 0
    }
}
