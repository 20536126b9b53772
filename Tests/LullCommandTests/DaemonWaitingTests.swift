// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc
import Testing

/// A kiosk whose Bluetooth adapter or sound card is missing: `lull daemon` stays up, says once what
/// it waits for, shows it in its status, and refuses sessions with the reason; and what stops it is
/// logged at err priority when stderr is the journal.
@Suite struct DaemonWaitingTests {
    @Test(.timeLimit(.minutes(2)))
    func withoutItsAdapterOrSoundCardTheDaemonStaysUpAndSaysWhatItWaitsFor() throws {
        let folder = try DaemonTests.scratch("daemon-wait")
        defer { try? FileManager.default.removeItem(at: folder) }
        // hci9 and card 9 exist on no test machine; the strap's supervisor gives up on the missing
        // adapter (or has no Bluetooth at all), and the monitor starts a new one after a pause.
        let daemon = try DaemonProcess(
            folder: folder,
            configuration: """
                strap:
                  address: auto
                  adapter: hci9
                audio:
                  device: "hw:9,0"
                """)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        let waiting = "no Bluetooth adapter hci9: waiting for one"
        let status = try daemon.status(
            until: { ($0["strap"] as? [String: Any])?["detail"] as? String == waiting && $0["audio"] != nil }, seconds: 20)
        let strap = try #require(status["strap"] as? [String: Any])
        #expect(strap["state"] as? String == "unavailable")
        #expect(strap["detail"] as? String == waiting)
        let audio = try #require(status["audio"] as? [String: Any])
        #expect(audio["state"] as? String == "unavailable")
        let audioDetail = try #require(audio["detail"] as? String)
        #expect(audioDetail.hasPrefix("no sound card for audio.device hw:9,0 (ALSA: "), "\(audioDetail)")
        #expect(audioDetail.hasSuffix("): waiting for one"))
        #expect(daemon.notify.wait(for: "STATUS=idle; \(waiting); \(audioDetail)", seconds: 10))

        // Several supervisors later (the pauses start at 0.5 to 1 s and double): still up, still
        // one line about the adapter.
        _ = daemon.notify.count("WATCHDOG=1", during: 5)
        #expect(daemon.process.isRunning)
        let lines = daemon.stderr.split(separator: "\n")
        #expect(lines.filter { $0.hasSuffix(waiting) }.count == 1, "\(daemon.stderr)")
        #expect(lines.filter { $0.contains("no sound card for audio.device hw:9,0") }.count == 1, "\(daemon.stderr)")

        let text = try daemon.client(["status"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("strap unavailable (\(waiting))"), "\(text.stdout)")
        #expect(text.stdout.contains("audio unavailable (\(audioDetail))"), "\(text.stdout)")

        // A session cannot be music without the sound card: refused, with the reason.
        let start = try daemon.client(["start"])
        #expect(start.status != 0)
        #expect(start.stderr.contains("cannot start a session: \(audioDetail); set audio.device: none"), "\(start.stderr)")
        #expect(try daemon.status(until: { $0["state"] as? String == "idle" }, seconds: 5)["state"] as? String == "idle")
        #expect(daemon.terminate() == 0)
    }

    @Test func aConfigurationErrorIsLoggedAtErrPriorityWhenStderrIsTheJournal() throws {
        let folder = try DaemonTests.scratch("daemon-err")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("lull.yaml").path
        try "audio:\n  period_frames: 17\n".write(toFile: config, atomically: true, encoding: .utf8)
        let errPath = folder.appendingPathComponent("stderr").path
        let errFD = open(errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(errFD) }
        var info = stat()
        #expect(fstat(errFD, &info) == 0)

        let process = Process()
        process.executableURL = LullProcess.binary
        process.arguments = ["daemon", "--config", config]
        var environment = ProcessInfo.processInfo.environment
        // systemd.exec(5): the device and inode of the stream journald connected to stderr.
        environment["JOURNAL_STREAM"] = "\(info.st_dev):\(info.st_ino)"
        process.environment = environment
        process.standardError = FileHandle(fileDescriptor: errFD, closeOnDealloc: false)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        let stderr = try String(contentsOfFile: errPath, encoding: .utf8)
        #expect(stderr == "<3>lull: \(config): key audio.period_frames: 17 is out of range (64...16384)\n", "\(stderr)")
    }
}
