// SPDX-License-Identifier: Apache-2.0
import SessionRuntime
import ArgumentParser
import BluetoothLinux
import Dispatch
import Foundation
import HRVCore
import PeripheralEmulator

/// `lull emulate-strap --listen unix:PATH [--rr FILE] [--faults SPEC] [--speed X]`: a heart-rate
/// strap on a Unix SEQPACKET socket, playing an RR recording as real notifications.
struct EmulateStrapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate-strap",
        abstract: "Runs a heart-rate strap emulator on a Unix socket.",
        discussion: """
            A GATT server with the Heart Rate and Battery services. It sends one notification per \
            second with the RR values that ended in it (0-3 at resting rates), energy expended on every \
            10th, and the contact bits, and exits once the whole recording was delivered. Playback only \
            advances while a client is subscribed, so drops delay beats but never lose them.
            FAULTS, comma-separated (N, T: recording seconds; D: wall seconds): drop=N[/D] closes the \
            link every N s (and stops listening for D s); stall=D@T goes silent for D s at T; \
            garbage=N sends a malformed PDU every N s; contact-off=T+D reports no skin contact for D s \
            from T; burst=N sends three notifications at once every N s.
            """)

    @Option(help: "unix:PATH to listen on.")
    var listen: String

    @Option(help: "RR recording, one interval in milliseconds per line (default: 5 minutes of a built-in rhythm).")
    var rr: String?

    @Option(help: "Fault script, e.g. drop=60,garbage=7.")
    var faults: String?

    @Option(help: "Playback speed: 1 is real time, 50 plays ten minutes in twelve seconds.")
    var speed: Double = 1

    func validate() throws {
        guard listen.hasPrefix("unix:"), listen.count > 5 else {
            throw ValidationError("--listen \(listen): expected unix:PATH")
        }
        guard speed.isFinite, speed > 0, speed <= 10_000 else {
            throw ValidationError("--speed \(speed): must be more than 0 and at most 10000")
        }
    }

    func run() throws {
        var configuration = StrapEmulatorConfiguration()
        configuration.speed = speed
        if let faults {
            do {
                configuration.faults = try EmulatorFaults(parsing: faults)
            } catch {
                throw CommandFailure(error.description)
            }
        }
        let milliseconds = try rr.map(Self.recording) ?? Self.builtInRhythm
        let emulator = StrapEmulator(playback: HeartRatePlayback(milliseconds: milliseconds), configuration: configuration)
        let signals = SignalStop.install { emulator.stop() }
        defer { signals.forEach { $0.cancel() } }
        let path = String(listen.dropFirst(5))
        do {
            try emulator.listen(path: path) { event in Self.note(event) }
        } catch {
            throw CommandFailure(error.description)
        }
        let s = emulator.statistics
        Self.note(
            "\(emulator.isFinished ? "played" : "stopped after") \(s.beatsSent) of \(milliseconds.count) RR values in "
                + "\(s.notifications) notifications; \(s.connections) connections, \(s.drops) drops, "
                + "\(s.garbagePDUs) garbage PDUs, \(s.stalls) stalls, \(s.bursts) bursts")
    }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data("lull emulate-strap: \(line)\n".utf8))
    }

    static func recording(_ file: String) throws -> [Double] {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CommandFailure("--rr \(file): cannot read it")
        }
        do {
            return try RRText.parse(text)
        } catch {
            throw CommandFailure("--rr \(file): \(error)")
        }
    }

    /// 300 beats around 64 bpm with a 6-breaths-a-minute respiratory swing: deterministic, so runs compare.
    static let builtInRhythm: [Double] = (0..<300).map { 940 + 60 * sin(Double($0) * 2 * Double.pi / 10) }
}
