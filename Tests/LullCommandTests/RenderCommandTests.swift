// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// `lull render`, run as the real binary.
@Suite struct RenderCommandTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lull-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Parses "integrated loudness: X LUFS" and "true peak: Y dBTP".
    static func measurements(_ stdout: String) -> (lufs: Double, dbtp: Double)? {
        var lufs: Double?
        var dbtp: Double?
        for line in stdout.split(separator: "\n") {
            let words = line.split(separator: " ")
            if line.hasPrefix("integrated loudness:"), words.count >= 3 { lufs = Double(words[2]) }
            if line.hasPrefix("true peak:"), words.count >= 3 { dbtp = Double(words[2]) }
        }
        guard let lufs, let dbtp else { return nil }
        return (lufs, dbtp)
    }

    /// Negative trajectories parse as written, the WAV has exactly minutes × 60 × rate frames, and the
    /// printed measurements are plausible for a −20 → −30 LUFS ramp.
    @Test(.timeLimit(.minutes(1)))
    func rendersAWAVWithLinearTrajectoriesAndPrintsLoudnessAndTruePeak() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("piece.wav").path
        let result = try LullProcess.run([
            "render", "--minutes", "0.5", "--out", out, "--tempo", "70:60", "--loudness", "-20:-30",
            "--breath", "6:5", "--swell", "4", "--seed", "3", "--sample-rate", "16000",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let measured = try #require(Self.measurements(result.stdout))
        #expect(measured.lufs < -21 && measured.lufs > -29)
        #expect(measured.dbtp < -1)
        let wav = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(wav.count == 58 + 30 * 16_000 * 8)  // 30 s, stereo float32, 58-byte header
    }

    /// The same seed and trajectory give the same file, byte for byte.
    @Test(.timeLimit(.minutes(1)))
    func theSameArgumentsRenderTheSameBytes() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [Data] = []
        for name in ["a.wav", "b.wav"] {
            let out = dir.appendingPathComponent(name).path
            let result = try LullProcess.run([
                "render", "--minutes", "0.1", "--out", out, "--tempo", "50:90", "--seed", "12", "--sample-rate", "16000",
            ])
            #expect(result.status == 0)
            files.append(try Data(contentsOf: URL(fileURLWithPath: out)))
        }
        #expect(files[0] == files[1])
    }

    /// `alsa:DEVICE` plays through libasound in real time; the ALSA null plugin stands in for a card.
    @Test(.timeLimit(.minutes(1)))
    func playsToAnALSADevice() throws {
        let result = try LullProcess.run(["render", "--minutes", "0.02", "--out", "alsa:null", "--loudness", "-26"])
        #expect(result.status == 0, "\(result.stderr)")
        let measured = try #require(Self.measurements(result.stdout))
        #expect(measured.dbtp < -1 && measured.dbtp > -40)
    }

    @Test(arguments: [
        ["--minutes", "1", "--out", "piece.mp3"],
        ["--minutes", "0", "--out", "x.wav"],
        ["--minutes", "1", "--out", "x.wav", "--tempo", "fast"],
        ["--minutes", "1", "--out", "x.wav", "--loudness", "-5"],
    ])
    func rejectsBadArguments(arguments: [String]) throws {
        let result = try LullProcess.run(["render"] + arguments)
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
    }
}
