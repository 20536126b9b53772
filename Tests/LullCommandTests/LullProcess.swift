// SPDX-License-Identifier: Apache-2.0
import Foundation

/// What one run of the `lull` binary printed and returned.
struct LullResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the real `lull` executable that SwiftPM built beside this test bundle, so the command-line
/// contract (verbs, flags, output, exit status) is tested exactly as users and scripts meet it.
enum LullProcess {
    /// The folder of the running test binary; SwiftPM puts `lull` in the same products folder.
    static var productsDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static var binary: URL { productsDirectory.appendingPathComponent("lull") }

    /// The repository's root folder (this file is Tests/LullCommandTests/LullProcess.swift).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// A shared recording, read from ../shared beside the repository (present in CI and on
    /// developers' machines); nil where it is not.
    static func sharedRecording(_ name: String) -> URL? {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/rr/\(name).txt")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Runs `lull` with `arguments`; output goes through temporary files so a chatty child can
    /// never block on a full pipe (`spawnAndWait`).
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> LullResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lull-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        let inURL = scratch.appendingPathComponent("stdin")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: stdin ?? Data())
        // Never the user's own state: the journal goes to this run's scratch folder unless a test
        // says otherwise (STATE_DIRECTORY is the systemd variable, which would win).
        var base = ProcessInfo.processInfo.environment
        base["XDG_STATE_HOME"] = scratch.appendingPathComponent("state").path
        base["STATE_DIRECTORY"] = nil
        let status = try spawnAndWait(
            [binary.path] + arguments, stdin: inURL.path, stdout: outURL.path, stderr: errURL.path,
            environment: base.merging(environment) { $1 })
        return LullResult(
            status: status,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }
}
