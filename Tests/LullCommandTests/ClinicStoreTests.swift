// SPDX-License-Identifier: Apache-2.0
import ClinicStore
import Foundation
import ListenerModel
import SessionStore
import Synchronization
import Testing

/// The clinic store against a real PostgreSQL 15 server (a private cluster per test, PostgresCluster):
/// sync from two kiosks through server crashes, reading back through the same report code,
/// row-level security of the roles scripts/clinic-store.sh makes, and erasure.
@Suite(.serialized, .enabled(if: PostgresCluster.isAvailable, "needs Debian's postgresql package (scripts/deps.sh)"))
struct ClinicStoreTests {
    static func scratch(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lull-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Records `count` simulated sessions of `minutes` into `journal` as kiosk `kiosk`; clients c1, c2, c3 in turn.
    static func record(_ journal: String, kiosk: String, seeds: Range<Int>, minutes: Int) throws {
        for seed in seeds {
            let result = try LullProcess.run(
                [
                    "session", "--fast", "--minutes", "\(minutes)", "--seed", "\(seed)", "--client",
                    "c\(seed % 3 + 1)", "--db", journal,
                ], environment: ["LULL_KIOSK_ID": kiosk])
            guard result.status == 0 else { throw ClusterError("lull session: \(result.stderr)") }
        }
    }

    static func sync(_ journal: String, to url: String) throws -> LullResult {
        try LullProcess.run(["sync", "--db", journal, "--to", url])
    }

    /// FNV-1a over the bit patterns of every beat's time, RR, flag, contact and verdict, in order.
    static func checksum(_ beats: [StoredBeat]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) { hash = (hash ^ ((value >> UInt64(shift)) & 0xff)) &* 0x100_0000_01b3 }
        }
        for b in beats {
            mix(b.seconds.bitPattern)
            mix(b.rrMilliseconds.bitPattern)
            for byte in b.flag.utf8 { mix(UInt64(byte)) }
            mix(b.contact ? 1 : 0)
            mix(b.decided.map { $0 ? 1 : 0 } ?? 2)
        }
        return hash
    }

    /// The report's per-session sections, with the store's own session number taken out.
    static func sections(_ html: String) -> [String] {
        html.components(separatedBy: "<section class=\"session\"").dropFirst().map { section in
            let body = section.components(separatedBy: "</section>").first ?? ""
            return body.replacingOccurrences(of: #"id="session-\d+""#, with: "id=\"session-\"", options: .regularExpression)
                .replacingOccurrences(of: #"Session \d+"#, with: "Session", options: .regularExpression)
        }.sorted()
    }

    @Test(.timeLimit(.minutes(15)))
    func twoKiosksSyncThroughServerCrashesAndTheStoreReadsBackTheSame() throws {
        let folder = try Self.scratch("clinic-sync")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = try PostgresCluster()
        let url = cluster.url()
        let migrated = try LullProcess.run(["store", "migrate", "--db", url])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.contains("applied 1-sessions-beats-rls"))
        #expect(try LullProcess.run(["store", "migrate", "--db", url]).stdout.contains("schema up to date"))

        let journals = ["kiosk-a", "kiosk-b"].map { folder.appendingPathComponent("\($0).sqlite").path }
        let kiosks = ["kiosk-a", "kiosk-b"]
        // Six rounds: each kiosk records five sessions, both sync at once, and the server is stopped
        // the hard way at a random moment of the sync (seeded, so a failure can be replayed), then
        // started again. Sessions of 5 minutes: ~400 beats each.
        var generator = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 0...UInt64.max, using: &generator)
        var random = SplitMix64(seed: seed)
        var failedPasses = 0
        for round in 0..<6 {
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                try? Self.record(journals[k], kiosk: kiosks[k], seeds: (round * 5 + 1)..<(round * 5 + 6), minutes: 5)
            }
            let crashAfter = Double(random.next() % 400) / 1000  // 0 to 0.4 s into the sync
            let results = ExitStatuses()
            let done = DispatchSemaphore(value: 0)
            for k in 0..<3 {
                // Threads of their own: the two syncs and the crash must overlap on a 2-core machine.
                Thread {
                    if k == 2 {
                        Thread.sleep(forTimeInterval: crashAfter)
                        try? cluster.crash()
                    } else {
                        let status = (try? Self.sync(journals[k], to: url))?.status ?? -1
                        results.value.withLock { $0[k] = status }
                    }
                    done.signal()
                }.start()
            }
            for _ in 0..<3 { done.wait() }
            failedPasses += results.value.withLock { $0.filter { $0 != 0 }.count }
            try cluster.start()
        }
        print("clinic sync: seed \(seed), \(failedPasses) of 12 sync passes cut by a server crash")

        // Catch up, then a second sync sends nothing.
        for journal in journals {
            let caughtUp = try Self.sync(journal, to: url)
            #expect(caughtUp.status == 0, "\(caughtUp.stderr)")
            #expect(caughtUp.stdout.hasSuffix("; 0 waiting\n"), "\(caughtUp.stdout)")
            let again = try Self.sync(journal, to: url)
            #expect(again.stdout.hasPrefix("sent 0 sessions (0 beats)"), "\(again.stdout)")
        }

        // Every beat exactly once: counts, distinct positions and a checksum per session, through
        // the store's own reader, equal to the journals'.
        let reader = try ClinicStoreReader(url: try StoreURL(parsing: url), passwordFile: nil, environment: [:])
        defer { reader.close() }
        let storeIDs = Dictionary(
            uniqueKeysWithValues: try cluster.psql("SELECT uuid, id, (SELECT count(*) FROM beats b WHERE b.session_uuid = s.uuid), (SELECT count(DISTINCT seq) FROM beats b WHERE b.session_uuid = s.uuid) FROM sessions s")
                .split(separator: "\n").map { line -> (String, (Int64, Int, Int)) in
                    let f = line.split(separator: "|")
                    return (String(f[0]), (Int64(f[1])!, Int(f[2])!, Int(f[3])!))
                })
        #expect(storeIDs.count == 60)
        var localSessions: [String: StoredSession] = [:]
        for (k, journal) in journals.enumerated() {
            let database = try SessionDatabase(path: journal)
            let listed = try database.sessions()
            #expect(listed.count == 30)
            for listing in listed {
                let local = try #require(try database.session(id: listing.id))
                #expect(local.record.kioskID == kiosks[k])
                let uuid = try #require(local.record.uuid)
                let (storeID, count, distinct) = try #require(storeIDs[uuid], "session \(listing.id) of \(kiosks[k]) missing")
                #expect(count == local.beats.count && distinct == count, "\(uuid)")
                let stored = try #require(try reader.session(id: storeID))
                #expect(Self.checksum(stored.beats) == Self.checksum(local.beats), "\(uuid)")
                #expect(stored.beats == local.beats && stored.snapshots == local.snapshots)
                #expect(stored.music == local.music && stored.events == local.events)
                // The music's tension travels with its rows (journal and store migrations "music-tension").
                #expect(!local.music.isEmpty && local.music.allSatisfy { ($0.tension ?? -1) >= 0 && ($0.tension ?? 2) <= 1 })
                var record = stored.record
                record.id = local.record.id
                #expect(record == local.record)
                let confirmed = try database.confirmation(sessionID: listing.id, store: try StoreURL(parsing: url).description)
                #expect(confirmed?.beats == local.beats.count)
                localSessions[uuid] = local
            }
        }
        #expect(localSessions.count == 60)

        // One report code over both stores: for client c1 the store's page has exactly the sessions
        // of the two kiosks' pages, figure for figure, each saying where it ran.
        let pages = ["store": url, "a": journals[0], "b": journals[1]].mapValues { db -> String in
            let out = folder.appendingPathComponent("report-\(UUID().uuidString.prefix(6)).html").path
            let result = try? LullProcess.run(["report", "--db", db, "--client", "c1", "--out", out])
            #expect(result?.status == 0, "\(result?.stderr ?? "")")
            return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }
        let storeSections = Self.sections(pages["store"] ?? "")
        #expect(storeSections.count == 20)
        #expect(storeSections == (Self.sections(pages["a"] ?? "") + Self.sections(pages["b"] ?? "")).sorted())
        #expect(storeSections.filter { $0.contains("kiosk kiosk-a") }.count == 10)

        // `lull sessions` and `lull export` say the same of the same sessions (but for the number).
        func withoutNumbers(_ text: String) -> [String] {
            text.split(separator: "\n").map { String($0.dropFirst(4)) }.sorted()
        }
        let storeList = try LullProcess.run(["sessions", "--db", url, "--client", "c2"])
        let kioskLists = try journals.map { try LullProcess.run(["sessions", "--db", $0, "--client", "c2"]).stdout }
        #expect(withoutNumbers(storeList.stdout) == withoutNumbers(kioskLists.joined()))
        let someUUID = try #require(localSessions.keys.sorted().first)
        let local = try #require(localSessions[someUUID])
        let localJournal = journals[local.record.kioskID == "kiosk-a" ? 0 : 1]
        let fromStore = try LullProcess.run(
            ["export", "--db", url, "--session", "\(storeIDs[someUUID]!.0)", "--format", "json"])
        let fromKiosk = try LullProcess.run(
            ["export", "--db", localJournal, "--session", "\(local.record.id)", "--format", "json"])
        #expect(fromStore.status == 0, "\(fromStore.stderr)")
        #expect(
            fromStore.stdout.replacingOccurrences(of: #"^\{"session":\{"id":\d+"#, with: "", options: .regularExpression)
                == fromKiosk.stdout.replacingOccurrences(
                    of: #"^\{"session":\{"id":\d+"#, with: "", options: .regularExpression))

        // Erasure: client c3 from the store, then from each kiosk; the counts add up.
        let c3 = localSessions.values.filter { $0.record.client == "c3" }
        let forgot = try LullProcess.run(["forget", "--client", "c3", "--db", url])
        #expect(
            forgot.stdout
                == "removed \(c3.count) sessions (\(c3.map(\.beats.count).reduce(0, +)) beats) of client c3 from "
                + "\(try StoreURL(parsing: url).description)\n", "\(forgot.stderr)")
        #expect(try cluster.psql("SELECT count(*) FROM sessions WHERE client = 'c3'") == "0")
        #expect(try cluster.psql("SELECT count(*) FROM beats b WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.uuid = b.session_uuid)") == "0")
        var forgottenLocally = 0
        for journal in journals {
            let result = try LullProcess.run(["forget", "--client", "c3", "--db", journal])
            forgottenLocally += Int(result.stdout.split(separator: " ")[1]) ?? 0
        }
        #expect(forgottenLocally == c3.count)
    }

    @Test(.timeLimit(.minutes(5)))
    func kioskRolesSeeAndWriteOnlyTheirOwnAndTherapistsOnlyRead() throws {
        let folder = try Self.scratch("clinic-rls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = try PostgresCluster()
        let owner = cluster.url()
        let script = LullProcess.repositoryRoot.appendingPathComponent("scripts/clinic-store.sh").path
        let env = ["LULL": LullProcess.binary.path]
        for arguments in [
            [owner, "migrate"], [owner, "kiosk", "room_a", "kiosk-a"], [owner, "kiosk", "room_b", "kiosk-b"],
            [owner, "therapist", "dr_t"],
        ] {
            let result = try PostgresCluster.capture(["env", "LULL=\(env["LULL"]!)", script] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let a = folder.appendingPathComponent("a.sqlite").path
        let b = folder.appendingPathComponent("b.sqlite").path
        try Self.record(a, kiosk: "kiosk-a", seeds: 1..<3, minutes: 2)
        try Self.record(b, kiosk: "kiosk-b", seeds: 3..<4, minutes: 2)

        // A kiosk's login cannot send another kiosk's sessions; its own go through.
        let wrong = try Self.sync(b, to: cluster.url(user: "room_a"))
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("row-level security"), "\(wrong.stderr)")
        #expect(try Self.sync(a, to: cluster.url(user: "room_a")).status == 0)
        #expect(try Self.sync(b, to: cluster.url(user: "room_b")).status == 0)

        // It reads only its own rows.
        #expect(try cluster.psql("SELECT count(*) FROM sessions", user: "room_a") == "2")
        #expect(try cluster.psql("SELECT count(DISTINCT kiosk_id) FROM sessions", user: "room_a") == "1")
        let ownBeats = try cluster.psql("SELECT count(*) FROM beats b JOIN sessions s ON s.uuid = b.session_uuid WHERE s.kiosk_id = 'kiosk-a'")
        #expect(try cluster.psql("SELECT count(*) FROM beats", user: "room_a") == ownBeats)
        let listed = try LullProcess.run(["sessions", "--db", cluster.url(user: "room_a")])
        #expect(listed.stdout.split(separator: "\n").count == 2)
        // Nor writes rows for another kiosk id, a session or beats of another kiosk's session.
        let bSession = try cluster.psql("SELECT uuid FROM sessions WHERE kiosk_id = 'kiosk-b'")
        let forged = """
            INSERT INTO sessions (uuid, kiosk_id, local_id, started_at, source, settings, outcome)
            VALUES (gen_random_uuid(), 'kiosk-b', 99, now(), 'simulate', '{}', 'complete')
            """
        #expect(try cluster.psqlFailure(forged, user: "room_a")?.contains("row-level security") == true)
        let forgedBeat = """
            INSERT INTO beats (session_uuid, session_started_at, seq, t_s, rr_ms, flag, contact)
            SELECT uuid, started_at, 100000, 1, 800, 'ok', true FROM sessions WHERE uuid = '\(bSession)'
            """
        // room_a cannot even see the session, so the insert finds nothing to copy: write it by value.
        #expect(try cluster.psql(forgedBeat, user: "room_a").isEmpty)
        let byValue = """
            INSERT INTO beats (session_uuid, session_started_at, seq, t_s, rr_ms, flag, contact)
            VALUES ('\(bSession)', now(), 100000, 1, 800, 'ok', true)
            """
        #expect(try cluster.psqlFailure(byValue, user: "room_a")?.contains("row-level security") == true)
        #expect(try cluster.psqlFailure("DELETE FROM sessions", user: "room_a")?.contains("permission denied") == true)

        // The therapist reads everything and writes nothing.
        #expect(try cluster.psql("SELECT count(*) FROM sessions", user: "dr_t") == "3")
        #expect(try cluster.psqlFailure(forged.replacingOccurrences(of: "'kiosk-b'", with: "'x'"), user: "dr_t")?
            .contains("permission denied") == true)
        #expect(try cluster.psqlFailure("DELETE FROM beats", user: "dr_t")?.contains("permission denied") == true)
        #expect(try cluster.psqlFailure("UPDATE sessions SET client = 'x'", user: "dr_t")?.contains("permission denied") == true)
        let report = folder.appendingPathComponent("r.html").path
        let made = try LullProcess.run(["report", "--db", cluster.url(user: "dr_t"), "--out", report])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(Self.sections(try String(contentsOfFile: report, encoding: .utf8)).count == 3)
        // And nobody's sync writes after erasure by the therapist: forget needs the owner.
        #expect(try LullProcess.run(["forget", "--client", "c2", "--db", cluster.url(user: "dr_t")]).status != 0)
    }

    /// Resonance assessments travel with the sessions: each once, read back through the same report
    /// code as the kiosk's journal, kept to their own kiosk by row-level security, and erased with
    /// their client.
    @Test(.timeLimit(.minutes(5)))
    func assessmentsSyncOnceAndReadBackAsTheJournalHasThem() throws {
        let folder = try Self.scratch("clinic-assess")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = try PostgresCluster()
        let script = LullProcess.repositoryRoot.appendingPathComponent("scripts/clinic-store.sh").path
        for arguments in [[cluster.url(), "migrate"], [cluster.url(), "kiosk", "room_a", "kiosk-a"]] {
            let result = try PostgresCluster.capture(["env", "LULL=\(LullProcess.binary.path)", script] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let journal = folder.appendingPathComponent("a.sqlite").path
        for (seed, client) in [(7, "ann"), (3, "bea")] {
            let assessed = try LullProcess.run(
                ["assess", "--fast", "--seed", "\(seed)", "--step-minutes", "1", "--db", journal, "--client", client],
                environment: ["LULL_KIOSK_ID": "kiosk-a"])
            #expect(assessed.status == 0, "\(assessed.stderr)")
        }
        let url = cluster.url(user: "room_a")
        let first = try Self.sync(journal, to: url)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("sent 2 sessions ("), "\(first.stdout)")
        #expect(first.stdout.contains(" and 2 assessments to "), "\(first.stdout)")
        let again = try Self.sync(journal, to: url)
        #expect(again.stdout.hasPrefix("sent 0 sessions (0 beats) to "), "\(again.stdout)")
        #expect(try cluster.psql("SELECT count(*) FROM assessments") == "2")
        #expect(try cluster.psql("SELECT count(*) FROM assessment_steps") != "0")
        // Each names the recording it was judged on, which the store holds.
        #expect(try cluster.psql("SELECT count(*) FROM assessments a JOIN sessions s ON s.uuid = a.session_uuid") == "2")

        // The same assessments, figure for figure, from the store as from the journal.
        let local = try SessionDatabase(path: journal, kioskID: "kiosk-a").assessments()
        let reader = try ClinicStoreReader(url: try StoreURL(parsing: cluster.url()), passwordFile: nil, environment: [:])
        defer { reader.close() }
        let stored = try reader.assessments(client: nil, since: nil)
        func withoutIDs(_ list: [StoredAssessment]) -> [StoredAssessment] {
            list.map {
                var a = $0
                a.id = 0
                a.sessionID = a.sessionID == nil ? nil : 0
                return a
            }
        }
        #expect(local.count == 2)
        #expect(local.allSatisfy { $0.sessionID != nil }, "each assessment names its recording")
        #expect(withoutIDs(stored) == withoutIDs(local))
        func assessmentSection(_ db: String) throws -> String {
            let out = folder.appendingPathComponent("r-\(UUID().uuidString.prefix(6)).html").path
            let made = try LullProcess.run(["report", "--db", db, "--client", "ann", "--out", out])
            #expect(made.status == 0, "\(made.stderr)")
            let html = try String(contentsOfFile: out, encoding: .utf8)
            return html.components(separatedBy: "<section class=\"assessment\"").dropFirst().first?
                .components(separatedBy: "</section>").first ?? ""
        }
        let fromJournal = try assessmentSection(journal)
        #expect(fromJournal.contains("Breathing pace"))
        #expect(try assessmentSection(cluster.url()) == fromJournal)

        // Another kiosk's login sees none of them and cannot write one for kiosk-a.
        let other = try PostgresCluster.capture(
            ["env", "LULL=\(LullProcess.binary.path)", script, cluster.url(), "kiosk", "room_b", "kiosk-b"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(try cluster.psql("SELECT count(*) FROM assessments", user: "room_b") == "0")
        let forged = """
            INSERT INTO assessments (uuid, kiosk_id, local_id, started_at, confidence, reason, followed_pace, result)
            VALUES (gen_random_uuid(), 'kiosk-a', 99, now(), 1, 'x', true, '{}')
            """
        #expect(try cluster.psqlFailure(forged, user: "room_b")?.contains("row-level security") == true)

        // Erasure takes the client's assessments too, in the store and in the journal.
        let forgot = try LullProcess.run(["forget", "--client", "ann", "--db", cluster.url()])
        #expect(forgot.status == 0, "\(forgot.stderr)")
        #expect(try cluster.psql("SELECT count(*) FROM assessments WHERE client = 'ann'") == "0")
        #expect(try cluster.psql("SELECT count(*) FROM assessment_steps") != "0")  // bea's
        #expect(try cluster.psql("SELECT count(*) FROM assessment_steps s WHERE NOT EXISTS (SELECT 1 FROM assessments a WHERE a.uuid = s.assessment_uuid)") == "0")
        #expect(try cluster.psql("SELECT count(*) FROM snapshots s WHERE NOT EXISTS (SELECT 1 FROM sessions x WHERE x.uuid = s.session_uuid)") == "0")
        #expect(try LullProcess.run(["forget", "--client", "ann", "--db", journal]).status == 0)
        #expect(try SessionDatabase(path: journal, kioskID: "kiosk-a").assessments(client: "ann").isEmpty)
    }

    /// `sslmode` as libpq means it, against a server that serves TLS with a certificate from the
    /// test's own authority for "localhost" and refuses plain TCP: verify-full connects only to the
    /// name in the certificate and only through the given root; require encrypts unverified.
    @Test(.timeLimit(.minutes(3)))
    func tlsIsVerifiedWhenTheURLAsksForIt() throws {
        let folder = try Self.scratch("clinic-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String) -> String { folder.appendingPathComponent(name).path }
        func openssl(_ arguments: [String]) throws {
            let result = try PostgresCluster.capture(["openssl"] + arguments)
            guard result.status == 0 else { throw ClusterError("openssl \(arguments[0]): \(result.stderr)") }
        }
        for (name, subject) in [("ca", "/CN=Lull test clinic CA"), ("other", "/CN=Someone else's CA")] {
            try openssl([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file("\(name).key"), "-out",
                file("\(name).crt"), "-days", "2", "-subj", subject,
            ])
        }
        try openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", file("server.key"), "-out", file("server.csr"), "-subj",
            "/CN=localhost",
        ])
        try "subjectAltName = DNS:localhost\n".write(toFile: file("ext.cnf"), atomically: true, encoding: .utf8)
        try openssl([
            "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"),
            "-CAcreateserial", "-out", file("server.crt"), "-days", "2", "-extfile", file("ext.cnf"),
        ])
        let cluster = try PostgresCluster(tls: .init(certificate: file("server.crt"), key: file("server.key")))
        let port = try #require(cluster.tlsPort)

        let verified = "postgres://postgres@localhost:\(port)/lull?sslmode=verify-full&sslrootcert=\(file("ca.crt"))"
        let migrated = try LullProcess.run(["store", "migrate", "--db", verified])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let journal = file("k.sqlite")
        try Self.record(journal, kiosk: "kiosk-t", seeds: 1..<2, minutes: 1)
        let synced = try Self.sync(journal, to: verified)
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stdout.hasPrefix("sent 1 session ("), "\(synced.stdout)")
        #expect(try cluster.psql("SELECT count(*) FROM sessions") == "1")

        // That address takes TLS only: a plain connection is turned away by the server.
        let plain = try LullProcess.run(["sessions", "--db", "postgres://postgres@127.0.0.1:\(port)/lull?sslmode=disable"])
        #expect(plain.status != 0)
        #expect(plain.stderr.contains("no encryption"), "\(plain.stderr)")
        // The certificate names localhost, not 127.0.0.1; and it is not signed by another authority.
        let wrongName = try LullProcess.run([
            "sessions", "--db", "postgres://postgres@127.0.0.1:\(port)/lull?sslmode=verify-full&sslrootcert=\(file("ca.crt"))",
        ])
        #expect(wrongName.status != 0)
        #expect(wrongName.stderr.split(separator: "\n").count == 1, "\(wrongName.stderr)")
        #expect(wrongName.stderr.contains("certificate is not for this host name"), "\(wrongName.stderr)")
        let wrongRoot = try LullProcess.run([
            "sessions", "--db", "postgres://postgres@localhost:\(port)/lull?sslmode=verify-full&sslrootcert=\(file("other.crt"))",
        ])
        #expect(wrongRoot.status != 0)
        #expect(wrongRoot.stderr.split(separator: "\n").count == 1, "\(wrongRoot.stderr)")
        #expect(wrongRoot.stderr.contains("not signed by a trusted root"), "\(wrongRoot.stderr)")
        // verify-ca checks the chain but not the name; require encrypts without checking either.
        let chainOnly = try LullProcess.run([
            "sessions", "--db", "postgres://postgres@127.0.0.1:\(port)/lull?sslmode=verify-ca&sslrootcert=\(file("ca.crt"))",
        ])
        #expect(chainOnly.status == 0, "\(chainOnly.stderr)")
        let required = try LullProcess.run(["sessions", "--db", "postgres://postgres@127.0.0.1:\(port)/lull?sslmode=require"])
        #expect(required.status == 0, "\(required.stderr)")
        #expect(required.stdout.split(separator: "\n").count == 1)
    }

    /// The daemon syncs as a service of its own: with the server frozen (SIGSTOP), its sync hangs,
    /// and the session's beats go on being committed to the journal every second; once the server
    /// runs again the waiting sessions go through and `lull status` says so.
    @Test(.timeLimit(.minutes(5)))
    func aSessionGoesOnWhileTheStoreHangs() throws {
        let folder = try Self.scratch("clinic-hang")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = try PostgresCluster()
        #expect(try LullProcess.run(["store", "migrate", "--db", cluster.url()]).status == 0)
        let journal = folder.appendingPathComponent("lull.sqlite").path
        try Self.record(journal, kiosk: "kiosk-h", seeds: 1..<3, minutes: 2)
        let postmaster = try #require(cluster.pid)
        kill(postmaster, SIGSTOP)
        defer { kill(postmaster, SIGCONT) }

        let daemon = try DaemonProcess(
            folder: folder,
            configuration: """
                strap:
                  address: simulate
                audio:
                  device: none
                journal:
                  path: "\(journal)"
                  sync_to: "\(cluster.url())"
                kiosk:
                  id: kiosk-h
                """)
        #expect(daemon.notify.wait(for: "READY=1", seconds: 30), "\(daemon.stderr)")
        let waiting = try daemon.status(until: { ($0["sync"] as? [String: Any])?["waiting"] as? Int == 2 }, seconds: 20)
        #expect((waiting["sync"] as? [String: Any])?["waiting"] as? Int == 2, "\(daemon.stderr)")
        let line = try daemon.client(["status"])
        #expect(line.stdout.contains("2 sessions waiting for the clinic store"), "\(line.stdout)")

        let started = try DaemonHTTP.request(
            socket: daemon.socketPath, "POST", "/api/start", body: #"{"minutes": 10, "client": "H"}"#)
        #expect(started.status == 202)
        // Real time: a beat every second or so. Each 1.5 s the journal holds more beats of session 3.
        let database = try SessionDatabase(path: journal)
        var counts: [Int] = []
        for _ in 0..<6 {
            Thread.sleep(forTimeInterval: 1.5)
            counts.append(try database.beats(sessionID: 3).count)
        }
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 < $1 }, "\(counts)")

        kill(postmaster, SIGCONT)
        let synced = try daemon.status(until: { ($0["sync"] as? [String: Any])?["waiting"] as? Int == 0 }, seconds: 60)
        #expect((synced["sync"] as? [String: Any])?["waiting"] as? Int == 0, "\(daemon.stderr)")
        #expect(try cluster.psql("SELECT count(*) FROM sessions") == "2")
        #expect(daemon.terminate() == 0)
    }
}

/// Exit statuses written by the sync threads.
final class ExitStatuses: Sendable {
    let value = Mutex([Int32](repeating: -1, count: 2))
}
