// SPDX-License-Identifier: Apache-2.0
import ALSAOutput
import ArgumentParser
import SessionRuntime
import CDispatch
import Foundation
import SynthCore

/// `lull render`: renders the listening track with tempo, loudness, breath rate and tension moving linearly
/// over the piece, to a WAV file (as fast as possible) or an ALSA device (in real time), and prints
/// the BS.1770-4 integrated loudness and true peak it measured.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Renders the listening track to a WAV file or an ALSA device.",
        discussion: """
            A:B moves a parameter linearly from A to B over the piece; A alone holds it constant. \
            Negative values are accepted as written: --loudness -20:-30.
            """)

    @Option(help: "Length of the piece in minutes.")
    var minutes: Double?

    @Option(help: "FILE.wav, or alsa:DEVICE (e.g. alsa:default, alsa:hw:0,0).")
    var out: String?

    @Option(help: "The instrumentation: \(Palette.allCases.map(\.rawValue).joined(separator: ", ")).")
    var palette: Palette = .default

    @Flag(name: .customLong("list-palettes"), help: "Names the palettes, one line each, and renders nothing.")
    var listPalettes = false

    @Option(parsing: .unconditional, help: "Tempo in BPM, A or A:B.")
    var tempo: LinearTrajectory = LinearTrajectory.constant(60)

    @Option(parsing: .unconditional, help: "Loudness in LUFS, A or A:B.")
    var loudness: LinearTrajectory = LinearTrajectory.constant(-26)

    @Option(parsing: .unconditional, help: "Breath swell rate in breaths per minute, A or A:B.")
    var breath: LinearTrajectory = LinearTrajectory.constant(6)

    @Option(
        parsing: .unconditional,
        help: "Tension 0 (calm, major) ... 1 (tense, minor), A or A:B; 0.3 is the piece in D major.")
    var tension: LinearTrajectory = LinearTrajectory.constant(ParameterStore.defaultTension)

    @Option(parsing: .unconditional, help: "Breath swell depth, peak to trough, in LU (0 = off).")
    var swell: Double = 0

    @Option(help: "Seed of the generative piece.")
    var seed: UInt64 = 1

    @Option(name: .customLong("sample-rate"), help: "Frames per second.")
    var sampleRate: Int = 48_000

    func validate() throws {
        if listPalettes { return }
        guard let minutes else { throw ValidationError("Missing expected argument '--minutes <minutes>'") }
        guard let out else { throw ValidationError("Missing expected argument '--out <out>'") }
        guard minutes > 0, minutes <= 24 * 60 else { throw ValidationError("--minutes must be in 0 ... 1440") }
        guard sampleRate % 10 == 0, (8_000...192_000).contains(sampleRate) else {
            throw ValidationError("--sample-rate must be a multiple of 10 in 8000 ... 192000")
        }
        guard out.hasPrefix("alsa:") || out.lowercased().hasSuffix(".wav") else {
            throw ValidationError("--out must be FILE.wav or alsa:DEVICE")
        }
        for (name, range, trajectory) in [
            ("tempo", ParameterStore.tempoRangeBPM, tempo), ("loudness", ParameterStore.loudnessRangeLUFS, loudness),
            ("breath", ParameterStore.swellRateRangeBreathsPerMinute, breath),
        ] where !range.contains(trajectory.start) || !range.contains(trajectory.end) {
            throw ValidationError("--\(name) must stay within \(range.lowerBound) ... \(range.upperBound)")
        }
        guard (0...1).contains(tension.start), (0...1).contains(tension.end) else {
            throw ValidationError("--tension must stay within 0.0 ... 1.0")
        }
        guard ParameterStore.swellDepthRangeLU.contains(swell) else { throw ValidationError("--swell must be in 0 ... 12 LU") }
    }

    func run() async throws {
        if listPalettes {
            let width = Palette.allCases.map(\.rawValue.count).max() ?? 0
            for palette in Palette.allCases {
                print(palette.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0) + palette.summary)
            }
            return
        }
        guard let minutes, let out else { return }  // validate() requires both
        let totalFrames = Int((minutes * 60 * Double(sampleRate)).rounded())
        let store = ParameterStore(
            tempoBPM: tempo.start, loudnessLUFS: loudness.start, swellBreathsPerMinute: breath.start, swellDepthLU: swell,
            tension: tension.start)
        let synth = SynthConfiguration(sampleRate: sampleRate, seed: seed, palette: palette)
        let measured: (integratedLUFS: Double, truePeakDBTP: Double)
        if out.hasPrefix("alsa:") {
            measured = try playLive(device: String(out.dropFirst(5)), synth: synth, store: store, totalFrames: totalFrames)
        } else {
            var offline = try OfflineRenderer(configuration: synth, parameters: store, wavPath: out)
            // Targets are set for the *end* of each ramp-length chunk, so the renderer's linear ramps
            // reproduce the commanded straight lines exactly (see ParameterRamper).
            let chunk = offline.parameterRampFrames
            var done = 0
            while done < totalFrames {
                let count = min(chunk, totalFrames - done)
                apply(store, at: Double(done + count) / Double(totalFrames))
                try offline.render(frames: count)
                done += count
            }
            measured = try offline.finish()
        }
        print("integrated loudness: \(Self.format(measured.integratedLUFS)) LUFS")
        print("true peak: \(Self.format(measured.truePeakDBTP)) dBTP")
    }

    private func apply(_ store: ParameterStore, at fraction: Double) {
        store.setTempoBPM(tempo.value(at: fraction))
        store.setLoudnessLUFS(loudness.value(at: fraction))
        store.setSwellBreathsPerMinute(breath.value(at: fraction))
        store.setTension(tension.value(at: fraction))
    }

    private func playLive(device: String, synth: SynthConfiguration, store: ParameterStore, totalFrames: Int) throws
        -> (integratedLUFS: Double, truePeakDBTP: Double)
    {
        let output = LiveOutput(
            synth: synth, parameters: store,
            configuration: LiveOutput.Configuration(destination: .alsa(device: device), maximumFrames: UInt64(totalFrames)))
        try output.start()
        // The control side: follow the trajectory by what has actually been rendered, 50 times a second.
        while !output.isFinished {
            apply(store, at: min(1, Double(store.framesRendered) / Double(totalFrames)))
            var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
            nanosleep(&pause, nil)
        }
        output.waitUntilFinished()
        return (output.integratedLUFS, output.truePeakDBTP)
    }

    static func format(_ value: Double) -> String { value.isFinite ? String(format: "%.1f", value) : "-inf" }
}

extension LinearTrajectory: ExpressibleByArgument {
    init?(argument: String) { self.init(parsing: argument) }
    var defaultValueDescription: String { start == end ? "\(start)" : "\(start):\(end)" }
}
