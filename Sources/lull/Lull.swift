// SPDX-License-Identifier: Apache-2.0
import ArgumentParser

/// The `lull` executable: one binary, one verb per job. This is the composition root; the verbs
/// wire cores to adapters and hold no logic of their own.
@main
struct Lull: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lull",
        abstract: "Biometric relaxation for receptive music therapy.",
        discussion: """
            Lull reads heart rate and RR intervals from a Bluetooth LE chest strap, computes heart-rate \
            variability as it streams, and plays an ambient listening track whose tempo, loudness and \
            breathing swell lead the listener from activation to calm.
            """,
        subcommands: [
            HRVCommand.self,
            ScanCommand.self,
            StrapCommand.self,
            EmulateStrapCommand.self,
            RenderCommand.self,
            SessionCommand.self,
            AssessCommand.self,
            SessionsCommand.self,
            ReportCommand.self,
            ExportCommand.self,
            PruneCommand.self,
            SyncCommand.self,
            StoreCommand.self,
            ForgetCommand.self,
            ConfigCommand.self,
            DaemonCommand.self,
            StartCommand.self,
            StopCommand.self,
            StatusCommand.self,
        ]
    )
}
