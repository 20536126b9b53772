// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A private PostgreSQL 15 cluster for one test: Debian's initdb and pg_ctl (package postgresql,
/// scripts/deps.sh), listening only on a Unix socket in its own temporary folder (no TCP port), with
/// trust authentication for the socket. initdb refuses to run as root, so as root (CI) the cluster
/// belongs to the system user `postgres` (created by the package) and its commands run through
/// runuser; as anyone else it belongs to that user.
final class PostgresCluster: Sendable {
    static let bin = "/usr/lib/postgresql/15/bin"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "\(bin)/initdb") }

    let folder: URL
    var socketDirectory: String { folder.path }
    var data: String { folder.appendingPathComponent("data").path }
    var log: String { folder.appendingPathComponent("server.log").path }
    private let asPostgres = getuid() == 0
    /// With TLS: the TCP port on 127.0.0.1, where only TLS connections are let in.
    let tlsPort: Int?

    /// `postgres://USER@/DB?host=FOLDER`.
    func url(user: String = "postgres", database: String = "lull") -> String {
        "postgres://\(user)@/\(database)?host=\(socketDirectory)" + (tlsPort.map { "&port=\($0)" } ?? "")
    }

    /// The server's port (its Unix socket is named by it too).
    var port: Int { tlsPort ?? 5432 }

    /// A server certificate and key (PEM files) for the cluster to serve TLS with.
    struct TLSFiles {
        var certificate: String
        var key: String
    }

    /// - Parameter tls: also listen on 127.0.0.1 (a free port) with TLS, refusing plain TCP there.
    init(tls: TLSFiles? = nil) throws {
        folder = URL(fileURLWithPath: "/tmp/lull-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if asPostgres { try Self.shell(["chown", "postgres:postgres", folder.path]) }
        tlsPort = tls == nil ? nil : try Self.freePort()
        try run(["\(Self.bin)/initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
        if let tls {
            // The server reads its key as its own user, and only from a file no one else can read.
            let certificate = folder.appendingPathComponent("server.crt").path
            let key = folder.appendingPathComponent("server.key").path
            try Self.shell(["cp", tls.certificate, certificate])
            try Self.shell(["cp", tls.key, key])
            try Self.shell(["chmod", "600", key])
            if asPostgres { try Self.shell(["chown", "postgres:postgres", certificate, key]) }
            let hba = try String(contentsOfFile: "\(data)/pg_hba.conf", encoding: .utf8)
            let rules = "hostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n"
            try (rules + hba).write(toFile: "\(data)/pg_hba.conf", atomically: false, encoding: .utf8)
            try (try String(contentsOfFile: "\(data)/postgresql.conf", encoding: .utf8)
                + "\nssl = on\nssl_cert_file = '\(certificate)'\nssl_key_file = '\(key)'\n")
                .write(toFile: "\(data)/postgresql.conf", atomically: false, encoding: .utf8)
        }
        try start()
        try psql("CREATE DATABASE lull", database: "postgres")
    }

    /// A TCP port nothing listens on now (the kernel's pick for port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClusterError("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw ClusterError("bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        _ = try? run(["\(Self.bin)/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts the server and waits until it accepts connections. fsync stays on: the tests stop it
    /// the hard way and count what survived.
    func start() throws {
        try run([
            "\(Self.bin)/pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o",
            "-c listen_addresses='\(tlsPort == nil ? "" : "127.0.0.1")' -c port=\(port) "
                + "-c unix_socket_directories='\(socketDirectory)'", "start",
        ])
    }

    /// Stops it as a crash would (SIGQUIT to every backend: no checkpoint, in-flight transactions lost).
    func crash() throws { try run(["\(Self.bin)/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]) }

    /// The postmaster's process id.
    var pid: Int32? {
        (try? String(contentsOfFile: "\(data)/postmaster.pid", encoding: .utf8))?
            .split(separator: "\n").first.flatMap { Int32($0) }
    }

    /// Runs SQL through psql as `user` and returns its unaligned, tuples-only output.
    @discardableResult
    func psql(_ sql: String, user: String = "postgres", database: String = "lull") throws -> String {
        let result = try Self.capture([
            "\(Self.bin)/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", "\(port)",
            "-U", user, "-d", database, "-c", sql,
        ])
        guard result.status == 0 else { throw ClusterError("psql: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// psql's exit status and error text for SQL that is expected to fail.
    func psqlFailure(_ sql: String, user: String) throws -> String? {
        let result = try Self.capture([
            "\(Self.bin)/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", "\(port)",
            "-U", user, "-d", "lull", "-c", sql,
        ])
        return result.status == 0 ? nil : result.stderr
    }

    private func run(_ arguments: [String]) throws {
        let command = asPostgres ? ["runuser", "-u", "postgres", "--"] + arguments : arguments
        let result = try Self.capture(command)
        guard result.status == 0 else {
            let logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw ClusterError("\(arguments.joined(separator: " ")): \(result.stderr) \(logText.suffix(600))")
        }
    }

    static func shell(_ arguments: [String]) throws {
        let result = try capture(arguments)
        guard result.status == 0 else { throw ClusterError("\(arguments.joined(separator: " ")): \(result.stderr)") }
    }

    /// Runs a command; output through temporary files (a server started by pg_ctl could otherwise
    /// hold a pipe open).
    static func capture(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lull-pgrun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let status = try spawnAndWait(["/usr/bin/env"] + arguments, stdout: outURL.path, stderr: errURL.path)
        return (
            status, String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
