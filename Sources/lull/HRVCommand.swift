// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

struct HRVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hrv", abstract: "Heart-rate variability of an RR file.")

    func run() async throws {
        throw ValidationError("'lull hrv' is not built yet")
    }
}
