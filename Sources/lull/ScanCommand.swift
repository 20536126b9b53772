// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scan", abstract: "Lists heart-rate straps in range.")

    func run() async throws {
        throw ValidationError("'lull scan' is not built yet")
    }
}
