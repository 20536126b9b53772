// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// scripts/install.sh and scripts/uninstall.sh, run for real into a staging root (`--root`): the
/// files, their modes, an operator's configuration kept, and the configuration check. (systemctl
/// needs systemd as PID 1, which a build machine does not have.)
@Suite(.timeLimit(.minutes(1))) struct InstallScriptTests {
    static let repository = UnitFileTests.repository
    static let built = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("lull").path

    @Test func installsIntoARootThenKeepsAnOperatorsConfigurationOnReinstall() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }

        let first = try Self.run("install.sh", ["--root", root.path, "--binary", Self.built])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("installed the default configuration \(root.path)/etc/lull/lull.yaml"))
        #expect(first.output.contains("\(root.path)/etc/lull/lull.yaml: ok"))
        #expect(try Self.mode(root, "usr/local/bin/lull") == 0o755)
        #expect(try Self.mode(root, "etc/systemd/system/lull.service") == 0o644)
        #expect(try Self.mode(root, "etc/lull/lull.yaml") == 0o644)
        #expect(
            FileManager.default.contentsEqual(
                atPath: root.appendingPathComponent("etc/lull/lull.yaml").path,
                andPath: Self.repository.appendingPathComponent("Config/lull.yaml").path))

        // Same again: nothing to say about the configuration but that it is kept.
        let again = try Self.run("install.sh", ["--root", root.path, "--binary", Self.built])
        #expect(again.status == 0)
        #expect(again.output.contains("kept \(root.path)/etc/lull/lull.yaml (already the default)"))

        // The operator changes it: a reinstall keeps theirs and puts the default beside it.
        let config = root.appendingPathComponent("etc/lull/lull.yaml")
        let theirs = "audio:\n  device: hw:1,0\n"
        try Data(theirs.utf8).write(to: config)
        let upgrade = try Self.run("install.sh", ["--root", root.path, "--binary", Self.built])
        #expect(upgrade.status == 0, "\(upgrade.output)")
        #expect(upgrade.output.contains("kept your \(config.path); the new default is beside it as \(config.path).new"))
        #expect(try String(contentsOf: config, encoding: .utf8) == theirs)
        #expect(FileManager.default.fileExists(atPath: config.path + ".new"))
    }

    @Test func aBrokenConfigurationStopsTheInstallWith78() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("etc/lull/lull.yaml")
        try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("audio:\n  period_frames: 17\n".utf8).write(to: config)
        let result = try Self.run("install.sh", ["--root", root.path, "--binary", Self.built])
        #expect(result.status == 78)
        #expect(result.output.contains("key audio.period_frames: 17 is out of range (64...16384)"))
    }

    @Test func uninstallKeepsConfigurationAndJournalUnlessPurged() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Self.run("install.sh", ["--root", root.path, "--binary", Self.built]).status == 0)
        let journal = root.appendingPathComponent("var/lib/private/lull/lull.sqlite")
        try FileManager.default.createDirectory(at: journal.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("sessions".utf8).write(to: journal)

        let keep = try Self.run("uninstall.sh", ["--root", root.path])
        #expect(keep.status == 0, "\(keep.output)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("usr/local/bin/lull").path))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/systemd/system/lull.service").path))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/lull/lull.yaml").path))
        #expect(FileManager.default.fileExists(atPath: journal.path))

        let twice = try Self.run("uninstall.sh", ["--root", root.path])
        #expect(twice.status == 0, "idempotent: \(twice.output)")

        let purge = try Self.run("uninstall.sh", ["--purge", "--root", root.path])
        #expect(purge.status == 0)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/lull").path))
        #expect(!FileManager.default.fileExists(atPath: journal.path))
    }

    @Test(arguments: ["install.sh", "uninstall.sh", "systemd-test.sh"])
    func scriptsParseAndPassShellcheck(_ script: String) throws {
        let path = Self.repository.appendingPathComponent("scripts/\(script)").path
        #expect(try Self.execute("/bin/bash", ["-n", path]).status == 0)
        let shellcheck = "/usr/bin/shellcheck"
        guard FileManager.default.isExecutableFile(atPath: shellcheck) else {
            Issue.record("shellcheck is not installed (scripts/deps.sh installs it)")
            return
        }
        let result = try Self.execute(shellcheck, [path])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func unknownOptionIsAnErrorNamingIt() throws {
        let result = try Self.run("install.sh", ["--prefix", "/opt"])
        #expect(result.status == 2)
        #expect(result.output.contains("unknown option --prefix"))
    }

    // MARK: - Helpers

    static func run(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try execute("/bin/bash", [repository.appendingPathComponent("scripts/\(script)").path] + arguments)
    }

    /// Runs a program with stdout and stderr in one file (the scripts' messages are read in order).
    static func execute(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("lull-script-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        // The test runner's LULL_ variables would be configuration overrides for the check.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LULL_") }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
    }

    static func scratch() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lull-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    static func mode(_ root: URL, _ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }
}
