// SPDX-License-Identifier: Apache-2.0
import Foundation
import SessionStore
import Testing

/// `lull daemon` as a real process: a strap emulator on a Unix socket, the music through real
/// libasound into ALSA's `file` plugin, the journal in SQLite, sd_notify on a datagram socket the
/// test binds, and the clients (`lull start|stop|status`) as real processes over the control socket.
@Suite struct DaemonTests {
    static func scratch(_ name: String) throws -> URL {
        // Short: a Unix socket path must fit in 108 bytes.
        let url = URL(fileURLWithPath: "/tmp/lull-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func object(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    @Test(.timeLimit(.minutes(3)))
    func aSessionStartsOnRequestIsFollowedLiveAndStopsSoftly() throws {
        let folder = try Self.scratch("daemon")
        defer { try? FileManager.default.removeItem(at: folder) }
        let strapSocket = folder.appendingPathComponent("strap.sock").path
        let capture = folder.appendingPathComponent("capture.raw").path
        let emulator = try EmulatedStrap.start(socket: strapSocket)
        defer { emulator.terminate() }

        let daemon = try DaemonProcess(
            folder: folder,
            configuration: """
                strap:
                  address: "unix:\(strapSocket)"
                audio:
                  device: "file:'\(capture)',raw"
                session:
                  default_minutes: 5
                """)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        // The socket is group-accessible only.
        var info = stat()
        #expect(stat(daemon.socketPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)

        // Idle, the daemon keeps the strap connected.
        let idle = try daemon.status(until: { ($0["strap"] as? [String: Any])?["state"] as? String == "connected" }, seconds: 20)
        #expect(idle["state"] as? String == "idle")
        #expect((idle["strap"] as? [String: Any])?["state"] as? String == "connected")
        #expect(idle["durations_min"] as? [Int] == [10, 20, 30])
        let idleText = try daemon.client(["status"])
        #expect(idleText.status == 0)
        #expect(idleText.stdout.hasPrefix("idle"), "\(idleText.stdout)")

        let follow = try StrapLiveProcess(["status", "--follow", "--json", "--socket", daemon.socketPath])
        let first = Self.object(try #require(follow.nextLine()))
        #expect(first["event"] as? String == "status")

        let start = try daemon.client(["start", "--minutes", "5", "--client", "T1"])
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.stdout == "started session 1\n")
        let again = try daemon.client(["start"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("a session is already running"))

        let live = Self.object(try daemon.client(["status", "--json"]).stdout)
        #expect(live["state"] as? String == "running")
        let session = try #require(live["session"] as? [String: Any])
        #expect(session["id"] as? Int == 1)
        #expect(session["client"] as? String == "T1")
        #expect(session["minutes"] as? Double == 5)
        #expect(session["time_scale"] as? Double == 1)

        // Beats arrive on the event stream, with the daemon's own fields.
        var beats: [[String: Any]] = []
        while beats.count < 5, let line = follow.nextLine() {
            let event = Self.object(line)
            if event["event"] as? String == "beat", let data = event["data"] as? [String: Any] { beats.append(data) }
        }
        #expect(beats.count == 5)
        for beat in beats {
            #expect(beat["session_id"] as? Int == 1)
            #expect((beat["rr_ms"] as? Double ?? 0) > 300)
            let phase = try #require(beat["swell_phase"] as? Double)
            #expect(phase >= 0 && phase < 1)
            #expect(abs((beat["wall_ms"] as? Double ?? 0) / 1000 - Date().timeIntervalSince1970) < 30)
            #expect(beat["time_scale"] as? Double == 1)
            #expect((beat["remaining_s"] as? Double ?? 0) > 200)
        }
        #expect(daemon.notify.wait(for: "STATUS=session 5 min left", seconds: 5))

        let stop = try daemon.client(["stop"])
        #expect(stop.status == 0, "\(stop.stderr)")
        var summary: [String: Any]?
        while summary == nil, let line = follow.nextLine() {
            let event = Self.object(line)
            if event["event"] as? String == "summary" { summary = event["data"] as? [String: Any] }
        }
        #expect(follow.waitForExit() == 0)
        let finished = try #require(summary)
        #expect(finished["id"] as? Int == 1)
        #expect(finished["client"] as? String == "T1")
        #expect(finished["ended_early"] as? Bool == true)
        #expect((finished["beats"] as? Int ?? 0) >= 5)

        let after = try daemon.status(until: { $0["state"] as? String == "idle" }, seconds: 10)
        #expect((after["last_summary"] as? [String: Any])?["id"] as? Int == 1)
        let stopAgain = try daemon.client(["stop"])
        #expect(stopAgain.status != 0)
        #expect(stopAgain.stderr.contains("no session is running"))

        #expect(daemon.terminate() == 0, "\(daemon.stderr)")
        #expect(daemon.notify.wait(for: "STOPPING=1", seconds: 1))

        let database = try SessionDatabase(path: daemon.journalPath)
        let outcome = try #require(try database.outcome(sessionID: 1))
        #expect(outcome.outcome == "ended_early")
        #expect(outcome.events.contains("user_stop"))
        #expect(outcome.events.contains("strap_connected"))
        #expect(try database.beats(sessionID: 1).count == finished["beats"] as? Int)
        // The music played through libasound for the whole session, fade included.
        let frames = (try FileManager.default.attributesOfItem(atPath: capture)[.size] as? Int ?? 0) / 8
        #expect(frames > 48_000 * 3)
    }

    @Test(.timeLimit(.minutes(2)))
    func sigtermEndsARunningSessionSoftlyWithEveryBeatCommitted() throws {
        let folder = try Self.scratch("daemon-term")
        defer { try? FileManager.default.removeItem(at: folder) }
        let daemon = try DaemonProcess(
            folder: folder,
            configuration: """
                strap:
                  address: simulate
                audio:
                  device: none
                session:
                  time_scale: 20
                """)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        let idle = try daemon.status(until: { _ in true }, seconds: 1)
        #expect((idle["strap"] as? [String: Any])?["state"] as? String == "simulated")

        // The API's answers to bad requests are one JSON line each.
        for body in [#"{"minutes": 0}"#, #"{"minutes": "ten"}"#, #"{"mins": 10}"#, "not json"] {
            let reply = try DaemonHTTP.request(socket: daemon.socketPath, "POST", "/api/start", body: body)
            #expect(reply.status == 400, "\(body)")
            #expect(Self.object(reply.body)["error"] is String, "\(reply.body)")
        }
        let missing = try DaemonHTTP.request(socket: daemon.socketPath, "GET", "/api/nothing")
        #expect(missing.status == 404)
        #expect(missing.contentType == "application/json")
        #expect(Self.object(missing.body)["error"] is String)

        let follow = try StrapLiveProcess(["status", "--follow", "--json", "--socket", daemon.socketPath])
        _ = follow.nextLine()
        let started = try DaemonHTTP.request(
            socket: daemon.socketPath, "POST", "/api/start", body: #"{"minutes": 30, "client": "S"}"#)
        #expect(started.status == 202)
        #expect(Self.object(started.body)["id"] as? Int == 1)
        // Twenty times real time: thirty simulated seconds take a second and a half.
        let running = try daemon.status(
            until: { (($0["session"] as? [String: Any])?["elapsed_s"] as? Double ?? 0) > 30 }, seconds: 20)
        #expect((running["session"] as? [String: Any])?["time_scale"] as? Double == 20)

        #expect(daemon.terminate() == 0, "\(daemon.stderr)")
        // The follower saw every beat the daemon sent, then the summary, then the end of the stream.
        var beatsSeen = 0
        var summary: [String: Any]?
        while let line = follow.nextLine() {
            let event = Self.object(line)
            if event["event"] as? String == "beat" { beatsSeen += 1 }
            if event["event"] as? String == "summary" { summary = event["data"] as? [String: Any] }
        }
        #expect(beatsSeen > 30)
        #expect(summary?["ended_early"] as? Bool == true)
        let database = try SessionDatabase(path: daemon.journalPath)
        #expect(try database.outcome(sessionID: 1)?.outcome == "ended_early")
        #expect(try database.beats(sessionID: 1).count == beatsSeen)
        // Over the Unix socket the therapist's data is open: the list and the session's report.
        let restarted = try DaemonProcess(folder: folder, configuration: "strap:\n  address: simulate\naudio:\n  device: none\n")
        #expect(restarted.notify.wait(for: "READY=1", seconds: 30), "\(restarted.stderr)")
        let list = try DaemonHTTP.request(socket: restarted.socketPath, "GET", "/api/sessions?client=S")
        #expect(list.status == 200)
        let sessions = try #require(try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [[String: Any]])
        #expect(sessions.map { $0["id"] as? Int } == [1])
        let report = try DaemonHTTP.request(socket: restarted.socketPath, "GET", "/api/sessions/1/report")
        #expect(report.status == 200)
        #expect(report.contentType.hasPrefix("text/html"))
        #expect(report.body.lowercased().contains("<html"))
        let none = try DaemonHTTP.request(socket: restarted.socketPath, "GET", "/api/sessions/99/report")
        #expect(none.status == 404)
        #expect(restarted.terminate() == 0)
        #expect(try database.sessions().first?.client == "S")
    }

    @Test(.timeLimit(.minutes(2)))
    func watchdogPingsStopWhileTheAudioRenderIsStalledAndResumeAfter() throws {
        let folder = try Self.scratch("daemon-wd")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The music goes to ALSA's file plugin writing into a FIFO. While the test drains the FIFO the
        // render thread runs; when it stops draining, the pipe fills and the render thread blocks in
        // a real write(2) inside snd_pcm_writei: an honest stall of the audio loop.
        let fifo = folder.appendingPathComponent("audio.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let drain = FIFODrain(fd: reader)
        drain.start()
        defer { drain.finish() }

        let daemon = try DaemonProcess(
            folder: folder,
            configuration: """
                strap:
                  address: simulate
                audio:
                  device: "file:'\(fifo)',raw"
                """,
            environment: ["WATCHDOG_USEC": "1000000"])
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        #expect(daemon.notify.count("WATCHDOG=1", during: 2) >= 3, "idle: the event loop is alive")

        let started = try DaemonHTTP.request(socket: daemon.socketPath, "POST", "/api/start", body: #"{"minutes": 10}"#)
        #expect(started.status == 202, "\(started.body)")
        #expect(daemon.notify.count("WATCHDOG=1", during: 3) >= 4, "a healthy session")

        drain.pause()
        _ = daemon.notify.count("WATCHDOG=1", during: 2)  // the pipe and the device buffer fill
        #expect(daemon.notify.count("WATCHDOG=1", during: 3) == 0, "the render thread is stuck in write(2)")
        // The session loop itself goes on meanwhile; only the audio is stalled.
        let stalled = try daemon.status(until: { _ in true }, seconds: 1)
        #expect(stalled["state"] as? String == "running")

        drain.resume()
        _ = daemon.notify.count("WATCHDOG=1", during: 1)
        #expect(daemon.notify.count("WATCHDOG=1", during: 3) >= 4, "pings resume with the audio")
        #expect(daemon.terminate() == 0, "\(daemon.stderr)")
    }

    /// A kiosk: the session starts when the client puts the strap on, the status says so when the
    /// strap is taken away mid-session (the music goes on), and over loopback TCP the journal's
    /// health data needs the therapist's code.
    @Test(.timeLimit(.minutes(2)))
    func skinContactStartsASessionAndALostStrapIsReportedWhileTheMusicGoesOn() throws {
        let folder = try Self.scratch("daemon-kiosk")
        defer { try? FileManager.default.removeItem(at: folder) }
        let strapSocket = folder.appendingPathComponent("strap.sock").path
        // From its first second, 4 s without skin contact: the strap lies on the table, then is put on.
        let emulator = try EmulatedStrap.start(socket: strapSocket, faults: "contact-off=1+4")
        defer { if emulator.isRunning { emulator.terminate() } }

        let port = DaemonHTTP.freePort()
        let daemon = try DaemonProcess(
            folder: folder,
            configuration: """
                strap:
                  address: "unix:\(strapSocket)"
                  auto_start_on_contact: true
                audio:
                  device: none
                session:
                  default_minutes: 10
                kiosk:
                  therapist_code: "4711-0815-99"
                control:
                  socket_path: "\(folder.appendingPathComponent("control.sock").path)"
                  port: \(port)
                """)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        let waiting = try daemon.status(
            until: { ($0["strap"] as? [String: Any])?["state"] as? String == "no_contact" }, seconds: 10)
        #expect((waiting["strap"] as? [String: Any])?["state"] as? String == "no_contact", "\(waiting)")
        #expect(waiting["state"] as? String == "idle", "no contact, no session")

        // The daemon claims the session (state "running") before the journal's row exists, so the
        // session's id appears a moment later: wait for both.
        let running = try daemon.status(
            until: { $0["state"] as? String == "running" && ($0["session"] as? [String: Any])?["id"] as? Int != nil },
            seconds: 20)
        let session = try #require(running["session"] as? [String: Any], "\(daemon.stderr)")
        #expect(session["id"] as? Int == 1)
        #expect(session["minutes"] as? Double == 10)
        #expect(daemon.notify.wait(for: "STATUS=session 10 min left", seconds: 5))

        // Over TCP the therapist's data needs the code; the kiosk's own status does not.
        let open = try DaemonHTTP.request(port: port, "GET", "/api/status")
        #expect(open.status == 200)
        let refused = try DaemonHTTP.request(port: port, "GET", "/api/sessions")
        #expect(refused.status == 401)
        #expect((Self.object(refused.body)["error"] as? String ?? "").contains("X-Lull-Therapist-Code"))
        let wrong = try DaemonHTTP.request(port: port, "GET", "/api/sessions", headers: ["X-Lull-Therapist-Code": "4711-0815-98"])
        #expect(wrong.status == 401)
        let listed = try DaemonHTTP.request(port: port, "GET", "/api/sessions", headers: ["X-Lull-Therapist-Code": "4711-0815-99"])
        #expect(listed.status == 200)
        let sessions = try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]]
        #expect(sessions?.map { $0["id"] as? Int } == [1])

        // Beats have arrived; then the strap goes home with someone.
        let beating = try daemon.status(
            until: { (($0["session"] as? [String: Any])?["elapsed_s"] as? Double ?? 0) > 8 }, seconds: 20)
        #expect(beating["state"] as? String == "running")
        emulator.terminate()
        emulator.waitUntilExit()
        #expect(daemon.notify.wait(for: "STATUS=session: strap lost, music continues", seconds: 15), "\(daemon.stderr)")
        let lost = try daemon.status(until: { _ in true }, seconds: 1)
        #expect(lost["state"] as? String == "running", "the session goes on without the strap")
        let text = try daemon.client(["status"])
        #expect(text.stdout.contains("strap lost"), "\(text.stdout)")

        #expect(daemon.terminate() == 0, "\(daemon.stderr)")
        let database = try SessionDatabase(path: daemon.journalPath)
        let outcome = try #require(try database.outcome(sessionID: 1))
        #expect(outcome.outcome == "ended_early")
        #expect(outcome.events.contains("strap_lost"), "\(outcome.events)")
        #expect(try database.beats(sessionID: 1).count > 3)
    }

    @Test func clientsSayClearlyWhenNoDaemonRuns() throws {
        let path = "/tmp/lull-none-\(UUID().uuidString.prefix(8))/control.sock"
        for verb in [["start"], ["stop"], ["status"], ["status", "--follow"]] {
            let run = try LullProcess.run(verb + ["--socket", path])
            #expect(run.status == 1)
            #expect(run.stderr == "Error: lull daemon is not running (no socket at \(path))\n", "\(verb)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aSecondDaemonOnTheSameSocketIsRefusedAndAStaleSocketIsReplaced() throws {
        let folder = try Self.scratch("daemon-two")
        defer { try? FileManager.default.removeItem(at: folder) }
        let socketPath = folder.appendingPathComponent("control.sock").path
        // A stale socket file: bound once, nobody listening.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        _ = withUnixAddress(socketPath) { bind(stale, $0, $1) }
        close(stale)

        let configuration = "strap:\n  address: simulate\naudio:\n  device: none\n"
        let first = try DaemonProcess(folder: folder, configuration: configuration)
        #expect(first.notify.wait(for: "READY=1", seconds: 30), "\(first.stderr)")
        let second = try LullProcess.run([
            "daemon", "--config", folder.appendingPathComponent("lull.yaml").path,
        ])
        #expect(second.status == 1)
        #expect(second.stderr.contains("another lull daemon is listening on \(socketPath)"), "\(second.stderr)")
        #expect(try first.client(["status"]).status == 0)
        #expect(first.terminate() == 0)
    }

    @Test func aBadConfigurationIsOneLineAndExit78() throws {
        let folder = try Self.scratch("daemon-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("lull.yaml").path
        try "audio:\n  period_frames: 17\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try LullProcess.run(["daemon", "--config", path])
        #expect(run.status == 78)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("audio.period_frames"), "\(run.stderr)")
    }
}

/// Reads a FIFO on its own thread while asked to, so a test can stall the writer at will.
final class FIFODrain: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var draining = true
    private var done = false
    private var thread: Thread?

    init(fd: Int32) { self.fd = fd }

    func start() {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                lock.lock()
                let (go, stop) = (draining, done)
                lock.unlock()
                if stop { return }
                if go, read(fd, &buffer, buffer.count) > 0 { continue }
                usleep(5_000)
            }
        }
        self.thread = thread
        thread.start()
    }

    func pause() { set { $0.draining = false } }
    func resume() { set { $0.draining = true } }
    func finish() { set { $0.done = true } }

    private func set(_ change: (FIFODrain) -> Void) {
        lock.lock()
        change(self)
        lock.unlock()
    }
}
