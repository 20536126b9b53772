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

    /// `postgres://USER@/DB?host=FOLDER`.
    func url(user: String = "postgres", database: String = "lull") -> String {
        "postgres://\(user)@/\(database)?host=\(socketDirectory)"
    }

    init() throws {
        folder = URL(fileURLWithPath: "/tmp/lull-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if asPostgres { try Self.shell(["chown", "postgres:postgres", folder.path]) }
        try run(["\(Self.bin)/initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
        try start()
        try psql("CREATE DATABASE lull", database: "postgres")
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
            "-c listen_addresses='' -c unix_socket_directories='\(socketDirectory)'", "start",
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
            "\(Self.bin)/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory,
            "-U", user, "-d", database, "-c", sql,
        ])
        guard result.status == 0 else { throw ClusterError("psql: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// psql's exit status and error text for SQL that is expected to fail.
    func psqlFailure(_ sql: String, user: String) throws -> String? {
        let result = try Self.capture([
            "\(Self.bin)/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory,
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
