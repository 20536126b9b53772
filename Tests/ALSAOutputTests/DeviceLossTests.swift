// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing
@testable import ALSAOutput
import SynthCore

/// A device that is missing at the start, or that disappears mid-stream, is reopened with backoff
/// while the session's music keeps advancing; its loss, retries and return are reported as events.
///
/// Everything here is real libasound. ALSA's own `null` and `file` plugins never fail once open (the
/// file plugin logs a failed write and carries on), so a device that vanishes mid-stream is a
/// PulseAudio server, run privately by the test on its own socket with a null sink (paced by the
/// clock, as a sound card is), reached through alsa-plugins' `pulse` PCM, and killed; the device's
/// return is the same PCM name defined anew in the test-only ALSA configuration, which libasound
/// re-reads on the next open, exactly as after a USB DAC is plugged back in.
@Suite(.serialized) struct DeviceLossTests {
    @Test(.timeLimit(.minutes(1)))
    func aMissingDeviceIsRetriedWithBackoffWhileTheSessionContinues() async throws {
        let folder = try Capture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("capture.raw")
        try TestALSAConfiguration.define("")

        let store = ParameterStore()
        let live = LiveOutput(
            synth: SynthConfiguration(sampleRate: 48_000), parameters: store,
            configuration: .init(
                destination: .alsa(device: "lull_test_device"), reopenInitialDelaySeconds: 0.05,
                reopenMaximumDelaySeconds: 0.2))
        try live.start()
        defer { live.stop(fadeOutSeconds: 0) }
        try #require(LiveOutputTests.waitUntil { live.deviceOpenFailures >= 3 })
        #expect(!live.isDeviceOpen)
        let renderedWhileAway = store.framesRendered
        #expect(renderedWhileAway > 0)  // the session did not stop
        #expect(live.framesDelivered == 0)

        try TestALSAConfiguration.define(
            "pcm.lull_test_device { type file slave.pcm \"null\" file \"\(capture.path)\" format \"raw\" }")
        #expect(LiveOutputTests.waitUntil { live.framesDelivered >= 9_600 })
        live.stop(fadeOutSeconds: 0.05)
        #expect(live.deviceOpens == 1)
        #expect(live.deviceReturns == 1)
        #expect(store.framesRendered > renderedWhileAway)
        let captured = try Data(contentsOf: capture)
        #expect(captured.count / 8 == Int(live.framesDelivered))
        #expect(live.framesDelivered < store.framesRendered)  // what played while away was skipped

        let events = await Self.collect(live)
        let retries = events.compactMap(\.retrySeconds)
        #expect(retries.count == Int(live.deviceOpenFailures))
        #expect(Array(retries.prefix(3)) == [0.05, 0.1, 0.2])  // doubling up to the maximum
        #expect(retries.allSatisfy { $0 <= 0.2 })
        #expect(events.last?.isBack == true)
    }

    /// The device plays, vanishes mid-stream (its server is killed), is retried with doubling delays
    /// while the music advances, and when it is back, playback continues from the piece's current
    /// point: the new output is sample for sample the offline render from the reported frame on.
    @Test(.timeLimit(.minutes(1)))
    func aDeviceLostMidStreamIsReopenedWithBackoffAndPlaysOnFromTheCurrentPoint() async throws {
        let folder = try Capture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = folder.appendingPathComponent("capture.raw")
        let server = try PulseServer(folder: folder)
        defer { server.kill() }
        try TestALSAConfiguration.define("pcm.lull_test_device { type pulse server \"unix:\(server.socket)\" }")

        let synth = SynthConfiguration(sampleRate: 48_000, seed: 31)
        let store = ParameterStore(tempoBPM: 70, loudnessLUFS: -24)
        let live = LiveOutput(
            synth: synth, parameters: store,
            configuration: .init(
                destination: .alsa(device: "lull_test_device"), periodFrames: 960, bufferFrames: 3_840,
                reopenInitialDelaySeconds: 0.05, reopenMaximumDelaySeconds: 0.4))
        try live.start()
        defer { live.stop(fadeOutSeconds: 0) }
        // Half a second through the server, which takes audio at the pace of its clock.
        try #require(LiveOutputTests.waitUntil { live.framesDelivered >= 24_000 })
        #expect(live.deviceOpens == 1)
        #expect(live.deviceLosses == 0)

        server.kill()
        try #require(LiveOutputTests.waitUntil { live.deviceLosses == 1 })
        let renderedAtLoss = store.framesRendered
        try #require(LiveOutputTests.waitUntil { live.deviceOpenFailures >= 4 })
        #expect(!live.isDeviceOpen)
        // 0.05 + 0.1 + 0.2 + 0.4 s of retries: the music went on meanwhile, at the clock's pace.
        #expect(store.framesRendered >= renderedAtLoss + 24_000)
        let deliveredBeforeReturn = live.framesDelivered

        try TestALSAConfiguration.define(
            "pcm.lull_test_device { type file slave.pcm \"null\" file \"\(capture.path)\" format \"raw\" }")
        let compared = 19_200
        try #require(
            LiveOutputTests.waitUntil {
                live.deviceReturns == 1 && live.framesDelivered >= deliveredBeforeReturn + UInt64(compared)
            })
        live.stop(fadeOutSeconds: 0)
        #expect(live.deviceOpens == 2)
        #expect(live.deviceLosses == 1)

        let events = await Self.collect(live)
        guard case .deviceLost(let code, let message, let framesAtLoss) = events.first else {
            Issue.record("the first event is not the loss: \(events)")
            return
        }
        #expect(code == -EIO)  // what the pulse plugin reports once its server is gone
        #expect(!message.isEmpty)
        let retries = events.compactMap(\.retrySeconds)
        #expect(retries.count == Int(live.deviceOpenFailures))
        // The first reopen comes 0.05 s after the loss; each failure doubles the wait, up to 0.4 s.
        #expect(Array(retries.prefix(3)) == [0.1, 0.2, 0.4])
        #expect(retries.allSatisfy { $0 <= 0.4 })
        guard case .deviceBack(let resumedAtFrame, let awaySeconds) = events.last else {
            Issue.record("the last event is not the return: \(events)")
            return
        }
        #expect(events.count == 2 + retries.count)
        #expect(awaySeconds >= 0.75)
        #expect(resumedAtFrame >= framesAtLoss + 24_000)

        // The returned device plays the piece from where the session is, not from where it stopped.
        let captured = try Capture.readFloats(capture)
        try #require(captured.count >= 2 * compared)
        let resumed = Int(resumedAtFrame)
        let offline = Capture.offline(synth, store: ParameterStore(tempoBPM: 70, loudnessLUFS: -24), frames: resumed + compared)
        #expect(Array(captured.prefix(2 * compared)) == Array(offline[(2 * resumed)...]))
    }

    /// The events of a finished output (its stream has ended, so this does not wait).
    static func collect(_ live: LiveOutput) async -> [LiveOutput.Event] {
        var collected: [LiveOutput.Event] = []
        for await event in live.events { collected.append(event) }
        return collected
    }
}

extension LiveOutput.Event {
    var retrySeconds: Double? {
        if case .deviceRetry(_, _, let seconds) = self { seconds } else { nil }
    }

    var isBack: Bool {
        if case .deviceBack = self { true } else { false }
    }
}

/// The test-only top-level ALSA configuration.
///
/// ALSA_CONFIG_PATH points to one file for the whole test process. It includes alsa-lib's own
/// /usr/share/alsa/alsa.conf, so every usual device string keeps working, plus what the device tests
/// define. It is set once and never unset, because other suites open devices concurrently and the
/// environment must not change under them; the device tests, serialized, rewrite the file atomically
/// (a new inode, which libasound notices on its next open).
enum TestALSAConfiguration {
    static let path: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-alsa-config-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("asound.conf").path
        try? include.write(toFile: path, atomically: true, encoding: .utf8)
        setenv("ALSA_CONFIG_PATH", path, 1)
        return path
    }()

    static let include = "</usr/share/alsa/alsa.conf>\n"

    /// Replaces the test definitions (an empty string leaves only alsa-lib's own).
    static func define(_ definitions: String) throws {
        try (include + definitions + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// A private PulseAudio server: its own runtime folder and socket, one null sink, no D-Bus, no
/// shared memory, no idle exit. Started by `init`, which waits for its socket.
final class PulseServer {
    let socket: String
    let process: Process

    init(folder: URL) throws {
        let runtime = folder.appendingPathComponent("pulse")
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true)
        socket = runtime.appendingPathComponent("native").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pulseaudio")
        process.arguments = [
            "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm=yes",
            "--log-target=stderr", "--log-level=error",
            "-L", "module-null-sink sink_name=lull rate=48000 channels=2",
            "-L", "module-native-protocol-unix socket=\(socket) auth-anonymous=1",
        ]
        process.environment = [
            "HOME": runtime.path, "XDG_RUNTIME_DIR": runtime.path, "PULSE_RUNTIME_PATH": runtime.path,
            "XDG_CONFIG_HOME": runtime.path, "PATH": "/usr/bin:/bin",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let socketPath = socket
        guard LiveOutputTests.waitUntil(seconds: 10, { FileManager.default.fileExists(atPath: socketPath) }) else {
            self.kill()
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: socketPath])
        }
    }

    /// Ends the server at once, as a crash or an unplugged device would.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
