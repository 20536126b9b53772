// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Foundation
public import Logging
public import SessionStore
import Synchronization

/// What one sync pass did.
public struct SyncOutcome: Sendable, Equatable {
    /// Sessions stored and confirmed in this pass.
    public var sessions = 0
    public var beats = 0
    /// Resonance assessments stored and confirmed in this pass.
    public var assessments = 0
    /// Finished sessions still waiting for the store after the pass (0 unless it failed midway).
    public var waiting = 0

    public init() {}
}

/// Pushes a kiosk's finished sessions to the clinic store: every session the journal has no
/// confirmation of from this store, oldest first, one session per transaction (`ClinicStore.push`),
/// recording the store's row counts in the journal once it has committed. Resumable: a pass that
/// stops midway leaves the rest unconfirmed for the next one, and a session sent but not
/// confirmed (the connection dropped after the commit) is sent again and stored once. Memory
/// holds one session at a time.
///
/// The journal is read and written on its own serial queue, never on Swift concurrency's
/// cooperative pool; the session being recorded is never touched (only finished sessions are read,
/// and WAL readers never block the recorder's commits).
public struct SessionSync: Sendable {
    public let database: SessionDatabase
    public let url: StoreURL
    public let passwordFile: String?
    public let environment: [String: String]
    public let logger: Logger
    /// What the journal's confirmations name the store by: the URL without its password.
    public var storeName: String { url.description }

    /// How long one session's transaction may take before the pass gives up on the store: 10 s,
    /// and 1 s more per 1,000 beats (measured at about 6,500 beats/s; a 24-hour session is about
    /// 100,000 beats). A server killed while the first session of a pass was being sent (reproduced
    /// with `pg_ctl -m immediate stop` 50-80 ms into `lull sync`) leaves PostgresNIO's query
    /// waiting for good; this is what ends it.
    static func pushDeadlineSeconds(beats: Int) -> Double { 10 + Double(beats) / 1000 }

    private static let journalQueue = DispatchQueue(label: "lull.sync.journal")

    public init(
        database: SessionDatabase, url: StoreURL, passwordFile: String? = nil, environment: [String: String] = [:],
        logger: Logger = Logger(label: "lull.sync")
    ) {
        self.database = database
        self.url = url
        self.passwordFile = passwordFile
        self.environment = environment
        self.logger = logger
    }

    /// Runs `body` on the journal's queue.
    static func journal<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            journalQueue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Finished sessions this store has not confirmed.
    public func waiting() async throws -> Int {
        try await Self.journal { [database, storeName] in try database.sessionsAwaitingSync(store: storeName).count }
    }

    /// Resonance assessments this store has not confirmed.
    public func assessmentsWaiting() async throws -> Int {
        try await Self.journal { [database, storeName] in try database.assessmentsAwaitingSync(store: storeName).count }
    }

    /// One pass: connects, sends what is waiting, disconnects. `progress` hears each stored session.
    /// With `deadlineSeconds`, a pass still running then is cancelled and its connection closed (a
    /// server that stopped answering, SIGSTOP or a dead route, would otherwise hold the pass
    /// forever, in the connection's start-up as well as in a query); what it had not confirmed
    /// waits for the next pass.
    public func run(
        deadlineSeconds: Double? = nil, progress: @escaping @Sendable (Int64, SyncConfirmation) -> Void = { _, _ in }
    ) async throws -> SyncOutcome {
        let connected = ConnectedStore()
        guard let deadlineSeconds else { return try await send(connected: connected, progress: progress) }
        do {
            return try await withDeadline(
                seconds: deadlineSeconds,
                onTimeout: { [url] in
                    ClinicStoreError("\(url): the sync pass took longer than \(Int(deadlineSeconds)) s; the rest waits")
                }
            ) { try await send(connected: connected, progress: progress) }
        } catch {
            // A pass cut short by the deadline still holds its connection (`send` lets go of it
            // when it ends by itself).
            if let store = connected.store.withLock({ $0.take() }) { await store.close(withinSeconds: 2) }
            throw error
        }
    }

    private func send(
        connected: ConnectedStore, progress: @Sendable (Int64, SyncConfirmation) -> Void
    ) async throws -> SyncOutcome {
        let (pending, pendingAssessments) = try await Self.journal { [database, storeName] in
            (try database.sessionsAwaitingSync(store: storeName), try database.assessmentsAwaitingSync(store: storeName))
        }
        var outcome = SyncOutcome()
        outcome.waiting = pending.count
        guard !pending.isEmpty || !pendingAssessments.isEmpty else { return outcome }
        let store = try await ClinicStore.connect(
            url, passwordFile: passwordFile, environment: environment, logger: logger)
        connected.store.withLock { $0 = store }
        do {
            for id in pending {
                try Task.checkCancellation()
                guard let session = try await Self.journal({ [database] in try database.session(id: id) }) else {
                    outcome.waiting -= 1  // forgotten meanwhile
                    continue
                }
                // Bounded: see withDeadline. A store that has not answered in this time is treated
                // as gone; the session stays unconfirmed for the next pass.
                let deadline = Self.pushDeadlineSeconds(beats: session.beats.count)
                let held = try await withDeadline(
                    seconds: deadline,
                    onTimeout: { [url] in
                        ClinicStoreError(
                            "\(url): session \(id): no answer from the store in \(Int(deadline)) s; "
                                + "it waits for the next pass")
                    }
                ) { try await store.push(session) }
                let sent = SyncConfirmation(
                    beats: session.beats.count, snapshots: session.snapshots.count, music: session.music.count,
                    events: session.events.count)
                guard held == sent else {
                    throw ClinicStoreError(
                        "\(url): session \(id) (\(session.record.uuid ?? "?")): the store holds \(held.beats) beats, "
                            + "\(held.snapshots) snapshots, \(held.music) music rows, \(held.events) events, "
                            + "the journal \(sent.beats), \(sent.snapshots), \(sent.music), \(sent.events); not confirmed")
                }
                try await Self.journal { [database, storeName] in
                    try database.confirmSync(sessionID: id, store: storeName, rows: held)
                }
                outcome.sessions += 1
                outcome.beats += held.beats
                outcome.waiting -= 1
                progress(id, held)
            }
            // Assessments after the sessions, so the recording each names is in the store first.
            for id in pendingAssessments {
                try Task.checkCancellation()
                guard let found = try await Self.journal({ [database] in try database.assessmentForSync(id: id) })
                else { continue }  // forgotten meanwhile
                let held = try await withDeadline(
                    seconds: Self.pushDeadlineSeconds(beats: 0),
                    onTimeout: { [url] in
                        ClinicStoreError("\(url): assessment \(id): no answer from the store; it waits for the next pass")
                    }
                ) { try await store.push(found) }
                guard held == found.assessment.steps.count else {
                    throw ClinicStoreError(
                        "\(url): assessment \(id): the store holds \(held) steps, the journal \(found.assessment.steps.count); "
                            + "not confirmed")
                }
                try await Self.journal { [database, storeName] in
                    try database.confirmAssessmentSync(assessmentID: id, store: storeName, steps: held)
                }
                outcome.assessments += 1
            }
        } catch {
            connected.store.withLock { $0 = nil }
            await store.close(withinSeconds: 2)
            throw error
        }
        connected.store.withLock { $0 = nil }
        await store.close(withinSeconds: 2)
        return outcome
    }
}

/// The pass's open connection, for `run` to close when the deadline cuts the pass short.
final class ConnectedStore: Sendable {
    let store = Mutex<ClinicStore?>(nil)
}

/// Seconds to wait after the nth failure in a row (n ≥ 1): 5 s doubling to at most `maximum`, so a
/// kiosk whose server is away for a week asks about every 5 minutes, not in a tight loop.
public func syncBackoffSeconds(failures: Int, maximum: Double = 300) -> Double {
    guard failures > 0 else { return 0 }
    return min(maximum, 5 * pow(2, Double(min(failures - 1, 20))))
}
