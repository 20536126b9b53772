// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// systemd/lull.service, checked by systemd's own analyzer (scripts/deps.sh installs the `systemd`
/// package, which provides systemd-analyze; no running systemd is needed).
@Suite struct UnitFileTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let unit = repository.appendingPathComponent("systemd/lull.service")
    static let analyzer = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `verify` also checks that ExecStart= names an executable; the unit names the installed path,
    /// so the test verifies a copy whose ExecStart= is the `lull` just built beside this test bundle.
    @Test(.enabled(if: analyzer != nil, "systemd-analyze is not installed (scripts/deps.sh installs systemd)"))
    func verifyPrintsNothing() throws {
        let built = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("lull").path
        try #require(FileManager.default.isExecutableFile(atPath: built), "no lull at \(built)")
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let execStart = "ExecStart=/usr/local/bin/lull daemon --config /etc/lull/lull.yaml"
        try #require(text.contains("\n\(execStart)\n"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("lull.service")
        try Data(text.replacingOccurrences(of: "ExecStart=/usr/local/bin/lull", with: "ExecStart=\(built)").utf8).write(to: copy)

        let result = try Self.analyze(["verify", "--man=no", copy.path])
        #expect(result.stderr == "", "systemd-analyze verify: \(result.stderr)")
        #expect(result.status == 0)
    }

    @Test(.enabled(if: analyzer != nil, "systemd-analyze is not installed (scripts/deps.sh installs systemd)"))
    func securityExposureIsAtMostTwo() throws {
        let result = try Self.analyze(["security", "--offline=true", "--no-pager", Self.unit.path])
        let score = try #require(Self.overallExposure(result.stdout), "no score in: \(result.stdout.suffix(300))")
        print("systemd-analyze security --offline=true systemd/lull.service: \(score)")
        #expect(score <= 2.0)
    }

    /// README's drop-in for a kiosk with a fixed strap address and no TCP port closes scanning and
    /// AF_INET; systemd reads `lull.service.d/*.conf` beside the unit, so the analyzer scores the pair.
    @Test(.enabled(if: analyzer != nil, "systemd-analyze is not installed (scripts/deps.sh installs systemd)"))
    func fixedStrapDropInIsAtMostOnePointFive() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-dropin-\(UUID().uuidString)")
        let dropIns = folder.appendingPathComponent("lull.service.d")
        try FileManager.default.createDirectory(at: dropIns, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Self.unit, to: folder.appendingPathComponent("lull.service"))
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "# sudo systemctl edit lull\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        try Data(readme[start.upperBound..<end.lowerBound].utf8).write(to: dropIns.appendingPathComponent("kiosk.conf"))

        let result = try Self.analyze(["security", "--offline=true", "--no-pager", folder.appendingPathComponent("lull.service").path])
        let score = try #require(Self.overallExposure(result.stdout), "no score in: \(result.stdout.suffix(300))")
        print("systemd-analyze security --offline=true with README's fixed-strap drop-in: \(score)")
        #expect(score <= 1.5)
    }

    /// The unit's contract with the daemon and the configuration (issue 7).
    @Test func unitCarriesTheIssuesContract() throws {
        let lines = Set(try String(contentsOf: Self.unit, encoding: .utf8).split(separator: "\n").map(String.init))
        for required in [
            "Type=notify", "NotifyAccess=main", "WatchdogSec=30", "Restart=on-failure", "RestartPreventExitStatus=78",
            "DynamicUser=yes", "SupplementaryGroups=audio", "StateDirectory=lull", "ConfigurationDirectory=lull",
            "RuntimeDirectory=lull", "ExecStart=/usr/local/bin/lull daemon --config /etc/lull/lull.yaml",
            "ExecStartPost=-+/usr/bin/chgrp lull-control /run/lull/control.sock",
            "DeviceAllow=char-alsa rw", "IPAddressDeny=any", "IPAddressAllow=localhost", "NoNewPrivileges=yes",
            // A hung daemon is back within 40 s (issue 16): SIGABRT ends it at once, a restart follows in 5 s.
            "Environment=SWIFT_BACKTRACE=enable=no", "TimeoutAbortSec=5", "RestartSec=5",
        ] {
            #expect(lines.contains(required), "lull.service lacks \(required)")
        }
    }

    /// "→ Overall exposure level for lull.service: 1.9 OK 🙂" → 1.9.
    static func overallExposure(_ output: String) -> Double? {
        guard let line = output.split(separator: "\n").last(where: { $0.contains("Overall exposure level") }),
            let colon = line.lastIndex(of: ":")
        else { return nil }
        return line[line.index(after: colon)...].split(separator: " ").first.flatMap { Double($0) }
    }

    static func analyze(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(analyzer))
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both to the end before waiting: the report is larger than a pipe's buffer.
        let (stdout, stderr) = (out.fileHandleForReading.readDataToEndOfFile(), err.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}
