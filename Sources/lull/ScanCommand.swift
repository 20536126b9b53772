// SPDX-License-Identifier: Apache-2.0
import LullWire
import ArgumentParser
import BluetoothLinux
import Foundation

/// `lull scan [--adapter hci0] [--seconds N]`: lists heart-rate straps advertising in range.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "Lists heart-rate straps in range.",
        discussion: """
            LE discovery of devices advertising the Heart Rate service (0x180D) through the kernel's Bluetooth \
            management interface, beside bluetoothd and on Bluetooth 5 controllers too (needs CAP_NET_ADMIN); \
            a raw HCI scan (CAP_NET_RAW) only where the kernel lacks it.
            """)

    @Option(help: "Bluetooth adapter.")
    var adapter = "hci0"

    @Option(help: "How long to scan, in seconds.")
    var seconds: Double = 5

    func validate() throws {
        guard seconds.isFinite, seconds > 0, seconds <= 600 else {
            throw ValidationError("--seconds \(seconds): must be more than 0 and at most 600")
        }
    }

    func run() throws {
        let straps: [DiscoveredStrap]
        do {
            straps = try StrapDiscovery.scan(adapter: adapter, seconds: seconds)
        } catch {
            throw CommandFailure(error.description)
        }
        guard !straps.isEmpty else {
            print("no heart-rate straps found on \(adapter) in \(JSONWriter.number(seconds)) s")
            return
        }
        print("ADDRESS            TYPE    RSSI  NAME")
        for strap in straps {
            let kind = strap.address.kind.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
            let rssi = String(strap.rssiDBm).padding(toLength: 5, withPad: " ", startingAt: 0)
            print("\(strap.address)  \(kind) \(rssi) \(strap.name ?? "")")
        }
    }
}
