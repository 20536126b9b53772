// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Renders the listening track to a WAV file or an ALSA device.")

    func run() async throws {
        throw ValidationError("'lull render' is not built yet")
    }
}
