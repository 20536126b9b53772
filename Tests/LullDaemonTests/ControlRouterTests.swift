// SPDX-License-Identifier: Apache-2.0
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import LullConfig
import SessionStore
import Testing

@testable import LullDaemon

/// The control API's router in process (HummingbirdTesting's router framework): real routes, real
/// state and a real journal, no socket and no daemon process.
@Suite struct ControlRouterTests {
    static func application() throws -> (some ApplicationProtocol, DaemonState, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-router-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try SessionDatabase(path: folder.appendingPathComponent("journal.sqlite").path)
        let configuration = LullConfiguration()
        let state = DaemonState(
            strap: DaemonState.Strap(state: "simulated"), durationsMinutes: configuration.session.durationsMinutes)
        let sessions = DaemonSessions(
            configuration: configuration, database: database, state: state, strap: nil, logger: Logger(label: "test"))
        let router = ControlAPI.router(access: .unixSocket, state: state, sessions: sessions, database: database)
        return (Application(router: router), state, folder)
    }

    static func object(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    @Test func statusSaysIdleWithTheStrapAndTheDurations() async throws {
        let (app, _, folder) = try Self.application()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/status", method: .get) { response in
                #expect(response.status == .ok)
                let status = Self.object(response.body)
                #expect(status["state"] as? String == "idle")
                #expect((status["strap"] as? [String: Any])?["state"] as? String == "simulated")
                #expect(status["session"] is NSNull)
                #expect((status["durations_min"] as? [Int])?.isEmpty == false)
            }
        }
    }

    @Test func badRequestsAreOneJSONLineEach() async throws {
        let (app, _, folder) = try Self.application()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/start", method: .post, body: ByteBuffer(string: #"{"minutes":"twenty"}"#)) {
                #expect($0.status == .badRequest)
                #expect((Self.object($0.body)["error"] as? String)?.contains("minutes") == true)
            }
            try await client.execute(uri: "/api/stop", method: .post) {
                #expect($0.status == .conflict)
                #expect(Self.object($0.body)["error"] as? String == "no session is running")
            }
            try await client.execute(uri: "/api/sessions?since=yesterday-ish", method: .get) {
                #expect($0.status == .badRequest)
                #expect(
                    Self.object($0.body)["error"] as? String
                        == "since yesterday-ish: expected YYYY-MM-DD, an ISO 8601 time, Nd or Nh")
            }
            try await client.execute(uri: "/api/sessions", method: .get) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body) == "[]")
            }
        }
    }
}
