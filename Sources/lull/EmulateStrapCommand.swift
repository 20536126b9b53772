// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

struct EmulateStrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "emulate-strap", abstract: "Runs a heart-rate strap emulator on a Unix socket.")

    func run() async throws {
        throw ValidationError("'lull emulate-strap' is not built yet")
    }
}
