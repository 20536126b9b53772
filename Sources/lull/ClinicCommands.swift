// SPDX-License-Identifier: Apache-2.0
import SessionRuntime
import ArgumentParser
import ClinicStore
import Foundation
import Logging
import SessionStore

/// `lull store migrate --db URL`: the clinic store's server side.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Manages the clinic's PostgreSQL store.",
        subcommands: [Migrate.self]
    )

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Creates or updates the clinic store's schema (versioned migrations).",
            discussion: """
                Runs, in order and each in one transaction, the migrations the store lacks, and says which. \
                Run it as the database's owner (it creates the group roles lull_kiosk and lull_therapist \
                when absent, so the first run needs CREATEROLE). The password comes from the URL, the file \
                in LULL_JOURNAL_SYNC_PASSWORD_FILE or $CREDENTIALS_DIRECTORY/lull-store-password.
                """
        )

        @Option(help: "The store: postgres://USER@HOST[:PORT]/DB[?sslmode=verify-full] or postgres://USER@/DB?host=/socket/dir")
        var db: String

        func run() async throws {
            let url = try StoreAccess.url(db)
            do {
                let store = try await ClinicStore.connect(
                    url, passwordFile: StoreAccess.passwordFile, environment: ProcessInfo.processInfo.environment)
                let applied: [String]
                do { applied = try await store.migrate() } catch {
                    await store.close()
                    throw error
                }
                await store.close()
                print(applied.isEmpty ? "\(url): schema up to date" : "\(url): applied \(applied.joined(separator: ", "))")
            } catch {
                throw CommandFailure(ClinicStore.describe(error))
            }
        }
    }
}

/// `lull sync --db PATH --to URL [--kiosk ID] [--follow]`: pushes finished sessions to the store.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sends the journal's finished sessions to the clinic's PostgreSQL store.",
        discussion: """
            Sends every finished session the store has not confirmed (session, beats, HRV snapshots, music, \
            events, summary), one transaction per session, and records each confirmation in the journal: \
            sending twice stores once, and an interrupted sync resumes where it stopped. Sessions recorded \
            before sessions carried a kiosk id get --kiosk (default: kiosk.id, LULL_KIOSK_ID, else derived \
            from /etc/machine-id). --follow keeps syncing every minute, backing off while the store is away.
            """
    )

    @Option(help: "The session journal (default as for lull session).", completion: .file())
    var db: String?

    @Option(help: "The clinic store: postgres://USER@HOST[:PORT]/DB[?sslmode=...] or postgres://USER@/DB?host=DIR")
    var to: String

    @Option(help: "This kiosk's id, for sessions recorded without one.")
    var kiosk: String?

    @Flag(help: "Keep syncing (every 60 s; backoff up to 5 min while the store is away) until interrupted.")
    var follow = false

    func run() async throws {
        let url = try StoreAccess.url(to)
        let environment = ProcessInfo.processInfo.environment
        let path = try JournalAccess.journalPath(db)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("no session journal at \(path); record a session first, or give --db PATH")
        }
        let database: SessionDatabase
        do {
            database = try SessionDatabase(
                path: path, kioskID: KioskIdentity.resolve(configured: kiosk ?? environment["LULL_KIOSK_ID"]))
        } catch { throw CommandFailure("\(error)") }
        let sync = SessionSync(
            database: database, url: url, passwordFile: StoreAccess.passwordFile, environment: environment)
        var failures = 0
        while true {
            do {
                let clock = ContinuousClock()
                let began = clock.now
                let outcome = try await sync.run()
                let elapsed = clock.now - began
                let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                failures = 0
                SessionOutput.write(
                    "sent \(outcome.sessions) session\(outcome.sessions == 1 ? "" : "s") (\(outcome.beats) beats)"
                        + (outcome.assessments > 0
                            ? " and \(outcome.assessments) assessment\(outcome.assessments == 1 ? "" : "s")" : "")
                        + " to \(url) in \(Int(milliseconds.rounded())) ms; \(outcome.waiting) waiting")
            } catch {
                failures += 1
                let line = "lull: sync: \(ClinicStore.describe(error))"
                guard follow else { throw CommandFailure(String(line.dropFirst(6))) }
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            guard follow else { return }
            try await Task.sleep(for: .seconds(failures == 0 ? 60 : syncBackoffSeconds(failures: failures)))
        }
    }
}

/// `lull forget --client CODE [--db PATH|URL]`: erasure of one client's sessions.
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Removes every session of one client from a journal or the clinic store.",
        discussion: """
            For the right to erasure (GDPR Art. 17): deletes the client's sessions with all their beats, \
            snapshots, music and events, and says how many. A session being recorded now is kept. Forget \
            the client on every kiosk's journal and in the store: a kiosk that still holds a session \
            already confirmed does not send it again, but one not yet sent would be.
            """
    )

    @Option(help: "The client's code.")
    var client: String

    @Option(help: "The session journal (default as for lull session) or the store's postgres:// URL.", completion: .file())
    var db: String?

    func run() throws {
        let counts: (sessions: Int, beats: Int)
        let place: String
        if let db, StoreURL.isStoreURL(db) {
            let url = try StoreAccess.url(db)
            place = url.description
            do {
                counts = try blockingWait { [client] in
                    let store = try await ClinicStore.connect(
                        url, passwordFile: StoreAccess.passwordFile, environment: ProcessInfo.processInfo.environment)
                    do {
                        let counts = try await store.forget(client: client)
                        await store.close()
                        return counts
                    } catch {
                        await store.close()
                        throw error
                    }
                }
            } catch {
                throw CommandFailure(ClinicStore.describe(error))
            }
        } else {
            let database = try JournalAccess.openExisting(db)
            place = database.path
            do { counts = try database.forget(client: client) } catch { throw CommandFailure("\(error)") }
        }
        print(
            "removed \(counts.sessions) session\(counts.sessions == 1 ? "" : "s") (\(counts.beats) beats) "
                + "of client \(client) from \(place)")
    }
}
