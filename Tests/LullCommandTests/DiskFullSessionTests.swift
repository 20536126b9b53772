// SPDX-License-Identifier: Apache-2.0
import Foundation
import SessionStore
import Testing

/// `lull session` whose journal's disk fills up mid-session, on a real tmpfs of 8 MB: the music
/// goes on, what was committed stays, and the session is closed as interrupted (with the reason
/// and its summary) as soon as space returns, without a restart.
@Suite struct DiskFullSessionTests {
    /// A tmpfs mounted with mount(8) for one test; nil when not root or when mounting fails.
    final class Tmpfs {
        let folder: URL
        init?() {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-tmpfs-\(UUID().uuidString)")
            guard getuid() == 0, (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
                Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", folder.path]) == 0
            else { return nil }
        }
        deinit {
            _ = Self.run("/bin/umount", ["-l", folder.path])
            try? FileManager.default.removeItem(at: folder)
        }
        static func run(_ tool: String, _ arguments: [String]) -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return -1 }
            process.waitUntilExit()
            return process.terminationStatus
        }
        static let available: Bool = Tmpfs() != nil
    }

    /// The WAV file's samples (16-bit or 32-bit float, any channel count), as doubles per frame of channel 0.
    static func wavChannel0(_ url: URL) throws -> (frames: [Double], rate: Int) {
        let data = try Data(contentsOf: url)
        func u32(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 | Int(data[at + 2]) << 16 | Int(data[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        var offset = 12
        var format = (code: 0, channels: 0, rate: 0, bits: 0)
        while offset + 8 <= data.count {
            let id = String(decoding: data[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            if id == "fmt " { format = (u16(offset + 8), u16(offset + 10), u32(offset + 12), u16(offset + 22)) }
            if id == "data" {
                let bytesPerFrame = format.channels * format.bits / 8
                let count = min(size, data.count - offset - 8) / bytesPerFrame
                let start = offset + 8
                let frames = (0..<count).map { i -> Double in
                    let at = start + i * bytesPerFrame
                    if format.bits == 16 { return Double(Int16(bitPattern: UInt16(u16(at)))) / 32768 }
                    return Double(Float(bitPattern: UInt32(u32(at))))
                }
                return (frames, format.rate)
            }
            offset += 8 + size + size % 2
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    @Test(.timeLimit(.minutes(2)), .enabled(if: Tmpfs.available, "needs root and mount -t tmpfs; skipped"))
    func theMusicGoesOnAndTheSessionIsClosedAsInterruptedWhenSpaceReturns() throws {
        let disk = try #require(Tmpfs())
        let journal = disk.folder.appendingPathComponent("j.sqlite").path
        let wav = FileManager.default.temporaryDirectory.appendingPathComponent("lull-full-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: wav) }
        let input = Pipe()
        let live = try StrapLiveProcess(
            ["session", "--source", "stdin", "--audio", wav.path, "--json", "--db", journal, "--minutes", "30"],
            stdin: input)
        let writer = input.fileHandleForWriting
        writer.write(Data(String(repeating: "800\n", count: 100).utf8))
        for _ in 0..<100 { #expect(live.nextLine() != nil) }
        // The beats read are committed within a second (the session loop ticks while stdin is silent).
        var committed = 0
        for _ in 0..<50 where committed < 100 {
            usleep(100_000)
            committed = (try? SessionDatabase(path: journal).beats(sessionID: 1).count) ?? 0
        }
        #expect(committed == 100)
        let filler = disk.folder.appendingPathComponent("filler").path
        #expect(Tmpfs.run("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"]) != 0, "dd stops at a full disk")

        writer.write(Data(String(repeating: "810\n", count: 50).utf8))
        for _ in 0..<50 { #expect(live.nextLine() != nil, "one state line per beat while the journal fails") }
        try writer.close()
        let summary = try #require(live.nextLine())
        #expect(summary.hasPrefix("{\"summary\""))
        // The session's end waits for space: the process is alive, the committed beats are there.
        usleep(1_500_000)
        #expect(live.process.isRunning)
        #expect(live.stderr.contains("the session journal cannot be written"), "\(live.stderr)")
        #expect(try SessionDatabase(path: journal).beats(sessionID: 1).count >= 100)

        try FileManager.default.removeItem(atPath: filler)
        #expect(live.waitForExit() == 0, "\(live.stderr)")
        let stored = try #require(try SessionDatabase(path: journal).session(id: 1))
        #expect(stored.record.outcome == "interrupted")
        #expect(stored.record.summaryJSON?.contains("\"beats\":150") == true, "\(stored.record.summaryJSON ?? "nil")")
        #expect(stored.beats.map(\.rrMilliseconds) == Array(repeating: 800, count: 100) + Array(repeating: 810, count: 50))
        #expect(stored.events.contains { $0.kind == "journal_error" && $0.detail?.contains("full") == true })
        #expect(stored.events.contains { $0.kind == "journal_unwritable" })

        // The music: every frame from 0 to the end of the fade, without a silent gap.
        let (frames, rate) = try Self.wavChannel0(wav)
        let endSeconds = 100 * 0.8 + 50 * 0.81
        #expect(abs(Double(frames.count) / Double(rate) - (endSeconds + 3)) < 0.1, "\(frames.count) frames")
        var longestSilence = 0
        var silence = 0
        for sample in frames.dropLast(rate * 3) {
            silence = sample == 0 ? silence + 1 : 0
            longestSilence = max(longestSilence, silence)
        }
        #expect(longestSilence < rate / 20, "a silent gap of \(longestSilence) frames")
    }
}
