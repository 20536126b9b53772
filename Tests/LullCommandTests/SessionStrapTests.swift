// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// A real-time session against `lull emulate-strap` over a Unix SEQPACKET socket, with the music
/// played through real libasound into ALSA's `file` plugin (a device string: no user configuration
/// is read or written).
@Suite struct SessionStrapTests {
    @Test(.timeLimit(.minutes(3)))
    func musicAndBeatsCarryOnThroughALinkDrop() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("strap.sock").path
        let capture = folder.appendingPathComponent("capture.raw").path
        let emulator = try EmulatedStrap.start(socket: socket, faults: "drop=30/2")
        defer { emulator.terminate() }

        let minutes = 1.5
        let run = try LullProcess.run([
            "session", "--source", "unix:\(socket)", "--minutes", "\(minutes)", "--audio", "alsa:file:'\(capture)',raw",
            "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")

        // The strap dropped and came back, and the session said so.
        #expect(run.stderr.contains("lost"))
        #expect(run.stderr.contains("streaming (connection 2)"))
        var times: [Double] = []
        var summary: [String: Any] = [:]
        for line in run.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let s = object["summary"] as? [String: Any] { summary = s } else { times.append(try #require(object["t_s"] as? Double)) }
        }
        // Beats kept coming through the drops: no silence longer than the 2 s the emulator stops
        // listening, plus the reconnection backoff (at most 3 s with jitter) and one notification
        // interval (1 s).
        #expect(times.count > 60)
        let longestSilence = zip(times.dropFirst(), times).map { $0 - $1 }.max() ?? 0
        #expect(longestSilence < 7, "longest gap between beats \(longestSilence) s")
        #expect((summary["strap_gaps"] as? Int ?? 0) >= 1)
        #expect(summary["audio_underruns"] as? Int == 0)

        // The audio is continuous: as long as the session plus its fade, and never a run of digital
        // silence longer than 10 ms between the first second and the last 100 ms (the music is quiet
        // before it fades in, and the soft stop ends in silence, but it never stops in between).
        // Format: 32-bit float stereo at 48 kHz, as the output opens the device.
        let data = try Data(contentsOf: URL(fileURLWithPath: capture))
        let frames = data.count / 8
        #expect(Double(frames) / 48_000 >= minutes * 60)
        var zeroRun = 0
        var longestZeroRun = 0
        data.withUnsafeBytes { raw in
            let samples = raw.bindMemory(to: Float.self)
            for frame in 48_000..<(frames - 4_800) {
                if samples[2 * frame] == 0 && samples[2 * frame + 1] == 0 {
                    zeroRun += 1
                    longestZeroRun = max(longestZeroRun, zeroRun)
                } else {
                    zeroRun = 0
                }
            }
        }
        #expect(longestZeroRun < 480, "digital silence of \(longestZeroRun) frames")
    }
}
