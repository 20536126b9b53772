// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@testable import ClinicStore
@testable import SessionStore

/// libpq's URL forms (PostgreSQL 15 docs §34.1.1.2) and where the password comes from.
@Suite struct StoreURLTests {
    @Test func hostPortDatabaseAndSSLMode() throws {
        let url = try StoreURL(parsing: "postgres://kiosk_a:s%40cret@db.clinic.example:6432/lull?sslmode=verify-full")
        #expect(url.user == "kiosk_a")
        #expect(url.password == "s@cret")
        #expect(url.host == "db.clinic.example")
        #expect(url.port == 6432)
        #expect(url.database == "lull")
        #expect(url.sslMode == .verifyFull)
        #expect(url.socketPath == nil)
        // The password never appears in what is printed or logged.
        #expect(url.description == "postgres://kiosk_a@db.clinic.example:6432/lull")
        #expect(StoreURL.redacted("postgres://kiosk_a:s%40cret@db/lull") == "postgres://kiosk_a:***@db/lull")
    }

    @Test func unixSocketFolderInTheHostParameter() throws {
        let url = try StoreURL(parsing: "postgresql://lull@/clinic?host=/run/postgresql")
        #expect(url.host == nil)
        #expect(url.socketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(url.database == "clinic")
        #expect(url.description == "postgres://lull@/clinic?host=/run/postgresql")
        let v6 = try StoreURL(parsing: "postgres://u@[2001:db8::1]:5433/d")
        #expect(v6.host == "2001:db8::1" && v6.port == 5433)
    }

    @Test func badURLsSayWhatIsWrongWithoutThePassword() {
        for (text, mention) in [
            ("postgres://u:pw@h/d?sslmode=maybe", "sslmode=maybe"), ("postgres://u:pw@h:99999/d", "port '99999'"),
            ("postgres://u:pw@h/d?colour=red", "unknown parameter 'colour'"), ("mysql://u@h/d", "not a PostgreSQL URL"),
        ] {
            #expect(throws: ClinicStoreError.self) { try StoreURL(parsing: text) }
            do { _ = try StoreURL(parsing: text) } catch {
                #expect(error.description.contains(mention), "\(error)")
                #expect(!error.description.contains(":pw@"), "\(error)")
            }
        }
    }

    @Test func passwordFromTheURLThenTheFileThenSystemdCredentials() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-pw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "from-file\nsecond line\n".write(to: folder.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        try "from-systemd\n".write(
            to: folder.appendingPathComponent("lull-store-password"), atomically: true, encoding: .utf8)
        let plain = try StoreURL(parsing: "postgres://u@h/d")
        let credentials = ["CREDENTIALS_DIRECTORY": folder.path]
        #expect(try plain.resolvedPassword(passwordFile: folder.appendingPathComponent("pw").path, environment: credentials) == "from-file")
        #expect(try plain.resolvedPassword(passwordFile: nil, environment: credentials) == "from-systemd")
        #expect(try plain.resolvedPassword(passwordFile: nil, environment: [:]) == nil)
        #expect(try StoreURL(parsing: "postgres://u:inline@h/d").resolvedPassword(passwordFile: nil, environment: credentials) == "inline")
    }

    /// FIPS 180-4 test vector, and the kiosk id: the same machine id always gives the same one.
    @Test func kioskIdFromTheMachineIdIsStableAndHashed() throws {
        let digest = SHA1.hash(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(digest == "a9993e364706816aba3e25717850c26c9cd0d89d")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("machine-id-\(UUID().uuidString)")
        try "0123456789abcdef0123456789abcdef\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let id = KioskIdentity.resolve(configured: nil, machineIDPath: file.path)
        #expect(id.hasPrefix("kiosk-") && id.count == 18)
        #expect(!id.contains("0123456789ab"))
        #expect(KioskIdentity.resolve(configured: nil, machineIDPath: file.path) == id)
        #expect(KioskIdentity.resolve(configured: "room-2", machineIDPath: file.path) == "room-2")
        #expect(KioskIdentity.resolve(configured: nil, machineIDPath: "/nonexistent") == "kiosk-unknown")
    }

    @Test func backoffDoublesFromFiveSecondsToFiveMinutes() {
        #expect((1...8).map { syncBackoffSeconds(failures: $0) } == [5, 10, 20, 40, 80, 160, 300, 300])
    }
}
