// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// The options `lull session` and `lull assess` share: where the beats come from, where the music
/// goes, the simulated listener and the client.
struct SessionSourceOptions: ParsableArguments {
    @Option(help: "simulate | replay:FILE | stdin | strap:ADDRESS | auto | unix:PATH")
    var source = "simulate"

    @Option(help: "default | alsa:DEVICE | FILE.wav | none (default: none with --fast, else default)")
    var audio: String?

    @Flag(help: "Run simulated or replayed time as fast as possible.")
    var fast = false

    @Option(help: "Simulated listener: anxious, calm or non-responder.")
    var profile = "anxious"

    @Option(help: "Seed of the simulated listener (and its resonance) and of the music.")
    var seed: UInt64 = 1

    @Option(help: "Client name or code.")
    var client: String?

    @Option(help: "Bluetooth adapter for strap sources.")
    var adapter = "hci0"
}
