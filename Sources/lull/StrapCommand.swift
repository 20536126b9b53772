// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ArgumentParser
import BLEProtocol
import BluetoothLinux
import Dispatch
import Foundation
import HeartSources
import Logging

/// `lull strap --strap ADDRESS|auto|NAME|unix:PATH [--adapter hci0] [--json]`: connects and prints each
/// measurement live, one line per notification; state changes go to stderr.
struct StrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strap",
        abstract: "Connects to a strap and prints each measurement live.",
        discussion: """
            ADDRESS is AA:BB:CC:DD:EE:FF (add /public or /random to override the inferred LE address \
            type); auto scans briefly and takes the strongest heart-rate strap; NAME (or name:NAME) \
            takes the first strap whose advertised name matches it (a glob such as 'Polar H10*', \
            any case; without wildcards, any name containing it); unix:PATH connects to \
            an emulator (lull emulate-strap). The link is kept up for as long as the command runs: \
            drops and silences over 5 s reconnect with backoff. Ctrl-C stops.
            """)

    @Option(help: "ADDRESS, auto, a name pattern, or unix:PATH.")
    var strap: String

    @Option(help: "Bluetooth adapter.")
    var adapter = "hci0"

    @Flag(help: "Print one JSON object per notification.")
    var json = false

    func run() async throws {
        let target: StrapTarget
        do {
            target = try StrapTarget(parsing: strap, adapter: adapter)
        } catch {
            throw CommandFailure(error.description)
        }
        var logger = Logger(label: "lull.strap")
        logger.logLevel = .warning
        let supervisor = StrapSupervisor(target: target, logger: logger)
        let signals = SignalStop.install { supervisor.stop() }
        defer { signals.forEach { $0.cancel() } }

        var battery: Int?
        for await event in supervisor.events() {
            switch event {
            case .measurement(let measurement):
                // One write per line, unbuffered even into a pipe: each notification is readable as it happens.
                let line = json ? StrapMeasurementText.json(measurement, battery: battery) : StrapMeasurementText.text(measurement, battery: battery)
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            case .batteryLevel(let percent):
                battery = percent
            case .deviceName(let name):
                Self.note("connected to \(name)")
            case .state(let state, let counters):
                switch state {
                case .connecting:
                    break
                case .streaming:
                    Self.note("streaming (link \(counters.connections), \(counters.losses) lost, \(counters.discardedPDUs) PDUs discarded)")
                case .lost(let reason):
                    Self.note("link lost: \(reason)")
                case .reconnecting(let attempt, let delay):
                    Self.note("reconnecting in \(String(format: "%.2f", delay)) s (attempt \(attempt))")
                case .failed(let reason):
                    throw CommandFailure(reason)
                }
            }
        }
    }

    static func note(_ line: String) {
        FileHandle.standardError.write(Data("lull strap: \(line)\n".utf8))
    }
}
