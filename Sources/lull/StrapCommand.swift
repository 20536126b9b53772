// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

struct StrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "strap", abstract: "Connects to a strap and prints each measurement live.")

    func run() async throws {
        throw ValidationError("'lull strap' is not built yet")
    }
}
