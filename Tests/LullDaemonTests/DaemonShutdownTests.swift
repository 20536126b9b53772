// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import LullConfig
import ServiceLifecycle
import ServiceLifecycleTestKit
import SessionStore
import Testing

@testable import LullDaemon

/// The daemon's sessions service under ServiceLifecycle's graceful shutdown (what SIGTERM starts),
/// in process: a running session ends softly, is recorded whole, and the service returns.
@Suite struct DaemonShutdownTests {
    @Test(.timeLimit(.minutes(2)))
    func aGracefulShutdownEndsTheRunningSessionSoftlyAndRecordsIt() async throws {
        let (sessions, state, database, folder) = try DaemonFixture.make(timeScale: 30)
        defer { try? FileManager.default.removeItem(at: folder) }

        var id: Int64?
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await sessions.run() }
                id = try await sessions.start(minutes: 10, client: "c1")
                // A minute of session time (2 s at 30x) with beats in the journal.
                while (try database.session(id: id!)?.beats.count ?? 0) < 60 { try await Task.sleep(for: .milliseconds(100)) }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let sessionID = try #require(id)
        let stored = try #require(try database.session(id: sessionID))
        #expect(stored.record.outcome == "ended_early")
        #expect(stored.events.map(\.kind).contains("user_stop"))
        #expect(stored.record.summaryJSON?.hasPrefix(#"{"summary":{"duration_s":"#) == true)
        #expect(stored.beats.count >= 60)
        #expect(state.snapshot.running == nil)
    }
}

/// Work for a client that has gone away is not done: a start whose HTTP client closed its
/// connection while it waited for its turn runs no session and records nothing.
@Suite struct GoneClientTests {
    @Test(.timeLimit(.minutes(1)))
    func aStartWhoseClientHasGoneRunsNoSession() async throws {
        let (sessions, state, database, folder) = try DaemonFixture.make(timeScale: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await sessions.run() }
                do {
                    _ = try await sessions.start(minutes: 10, client: "c1", isWanted: { false })
                    Issue.record("a session started for a client that had gone")
                } catch let error as DaemonSessions.StartError {
                    guard case .failed(let why) = error else { throw error }
                    #expect(why == "the client has gone")
                }
                #expect(state.snapshot.running == nil)
                #expect(try database.sessions(client: nil, since: nil).isEmpty)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }
}

/// A sessions service on a simulated listener, no sound and a fresh journal in a scratch folder.
enum DaemonFixture {
    static func make(timeScale: Double) throws -> (DaemonSessions, DaemonState, SessionDatabase, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-daemon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try SessionDatabase(path: folder.appendingPathComponent("journal.sqlite").path)
        var configuration = LullConfiguration()
        configuration.strap.address = LullConfiguration.Strap.simulatedAddress
        configuration.audio.device = "none"
        configuration.session.timeScale = timeScale
        let state = DaemonState(strap: DaemonState.Strap(state: "simulated"), durationsMinutes: [10])
        let sessions = DaemonSessions(
            configuration: configuration, database: database, state: state, strap: nil, logger: Logger(label: "test"))
        return (sessions, state, database, folder)
    }
}
