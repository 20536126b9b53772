// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ALSAOutput
import AudioTestSupport
import SynthCore

@Suite struct LiveOutputTests {
    /// Plays 2 s through real libasound into the ALSA `file` plugin and checks the capture:
    /// bit-identical to the offline render of the same seed, no NaN, under −1 dBTP, no clicks.
    @Test(.timeLimit(.minutes(1)))
    func captureThroughTheFilePluginIsSampleExactAndClean() throws {
        let folder = try Capture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("capture.raw")
        let synth = SynthConfiguration(sampleRate: 48_000, seed: 77)
        let frames = 96_000
        let store = ParameterStore(tempoBPM: 72, loudnessLUFS: -20, swellDepthLU: 4)
        let live = LiveOutput(
            synth: synth, parameters: store,
            configuration: .init(destination: .alsa(device: Capture.fileDevice(capture.path)), periodFrames: 960,
                bufferFrames: 3_840, maximumFrames: UInt64(frames)))
        try live.start()
        live.waitUntilFinished()
        #expect(live.deviceOpens == 1)
        #expect(live.deviceOpenFailures == 0)
        #expect(live.framesDelivered == UInt64(frames))
        #expect(store.underruns == 0)

        let captured = try Capture.readFloats(capture)
        let offline = Capture.offline(synth, store: ParameterStore(tempoBPM: 72, loudnessLUFS: -20, swellDepthLU: 4), frames: frames)
        #expect(captured.count == offline.count)
        #expect(captured == offline)
        #expect(!captured.contains { $0.isNaN })
        var peak = TruePeakMeter()
        captured.withUnsafeBufferPointer { peak.process(interleaved: $0) }
        #expect(peak.truePeakDBTP < -1)
        #expect(peak.truePeakDBTP > -30)  // real audio, not silence
        #expect(AudioAnalysis.clicks(captured, sampleRate: 48_000).isEmpty)
        #expect(abs(live.truePeakDBTP - peak.truePeakDBTP) < 0.01)  // the thread measured what it played
    }

    /// The `null` plugin discards everything and never blocks, so only the clock paces the thread:
    /// 1 s of audio must take about 1 s of wall time, not 5 ms.
    @Test(.timeLimit(.minutes(1)))
    func theNullPluginIsPacedByTheClock() throws {
        let store = ParameterStore()
        let live = LiveOutput(
            synth: SynthConfiguration(sampleRate: 48_000), parameters: store,
            configuration: .init(destination: .alsa(device: "null"), bufferFrames: 4_800, maximumFrames: 48_000))
        let clock = ContinuousClock()
        let started = clock.now
        try live.start()
        live.waitUntilFinished()
        let elapsed = clock.now - started
        #expect(live.framesDelivered == 48_000)
        #expect(store.framesRendered == 48_000)
        // One buffer (0.1 s) may be rendered ahead; the rest is paced.
        #expect(elapsed >= .milliseconds(850))
    }

    /// Soft stop: the fade reaches silence smoothly and the WAV file ends there.
    @Test(.timeLimit(.minutes(1)))
    func softStopFadesToSilenceWithoutAClick() throws {
        let folder = try Capture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("live.wav").path
        let store = ParameterStore(loudnessLUFS: -20)
        let live = LiveOutput(
            synth: SynthConfiguration(sampleRate: 48_000, seed: 2), parameters: store,
            configuration: .init(destination: .wavFile(path: path)))
        try live.start()
        #expect(Self.waitUntil { store.framesRendered >= 48_000 })  // let 1 s play
        live.stop(fadeOutSeconds: 0.5)
        #expect(live.isFinished)
        let wav = try Data(contentsOf: URL(fileURLWithPath: path))
        let floats = wav.dropFirst(WAVFileWriter.headerBytes).withUnsafeBytes { raw in
            (0..<((wav.count - WAVFileWriter.headerBytes) / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
        #expect(floats.count / 2 == Int(live.framesDelivered))
        #expect(floats.suffix(2).allSatisfy { $0 == 0 })  // ends in silence
        #expect(AudioAnalysis.clicks(floats, sampleRate: 48_000).isEmpty)
    }

    /// Waits for the render thread to reach a state: the thread is real and runs in real time, so
    /// these tests poll its counters every 10 ms, giving up after `seconds` (a synchronous loop does
    /// not see the time-limit trait's cancellation, hence its own bound). Returns whether it happened.
    static func waitUntil(seconds: Double = 20, _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            var interval = timespec(tv_sec: 0, tv_nsec: 10_000_000)
            nanosleep(&interval, nil)
        }
        return true
    }
}

@Suite struct OfflineRendererTests {
    @Test func writesAFloatWAVIdenticalToTheRenderAndMeasuresIt() throws {
        let folder = try Capture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("offline.wav").path
        let synth = SynthConfiguration(sampleRate: 16_000, seed: 5)
        let store = ParameterStore(loudnessLUFS: -26)
        var offline = try OfflineRenderer(configuration: synth, parameters: store, wavPath: path)
        try offline.render(frames: 50_000)
        try offline.render(frames: 30_000)
        let measured = try offline.finish()
        #expect(measured.truePeakDBTP < -1 && measured.truePeakDBTP > -30)
        #expect(measured.integratedLUFS > -28 && measured.integratedLUFS < -24)

        let wav = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(String(decoding: wav[0..<4], as: UTF8.self) == "RIFF")
        #expect(String(decoding: wav[8..<12], as: UTF8.self) == "WAVE")
        let formatTag = wav.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 20, as: UInt16.self) }
        let rate = wav.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 24, as: UInt32.self) }
        let dataBytes = wav.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 54, as: UInt32.self) }
        #expect(formatTag == 3 && rate == 16_000 && dataBytes == 80_000 * 8)
        #expect(wav.count == WAVFileWriter.headerBytes + 80_000 * 8)
        let floats = wav.dropFirst(WAVFileWriter.headerBytes).withUnsafeBytes { raw in
            (0..<160_000).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
        #expect(floats == Capture.offline(synth, store: ParameterStore(loudnessLUFS: -26), frames: 80_000))
    }
}
