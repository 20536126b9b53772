// SPDX-License-Identifier: Apache-2.0
import Foundation
import GRDB
import Testing

@testable import SessionStore

#if canImport(Glibc)
    import Glibc
#endif

/// A tmpfs of a few megabytes to fill up, mounted for one test; nil when this process may not
/// mount (not root, or no CAP_SYS_ADMIN in a container).
final class SmallDisk {
    let folder: String

    init?(megabytes: Int) {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lull-full-\(UUID().uuidString)").path
        guard mkdir(folder, 0o700) == 0 else { return nil }
        guard getuid() == 0, mount("tmpfs", folder, "tmpfs", 0, "size=\(megabytes)m,mode=0700") == 0 else {
            rmdir(folder)
            return nil
        }
    }

    deinit {
        umount2(folder, Int32(MNT_DETACH))
        rmdir(folder)
    }

    func path(_ name: String) -> String { folder + "/" + name }

    /// Writes a filler file until the disk refuses (ENOSPC).
    func fill() {
        let fd = open(path("filler"), O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        let block = [UInt8](repeating: 0xA5, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        close(fd)
    }

    func free() { unlink(path("filler")) }

    static let available: Bool = SmallDisk(megabytes: 1) != nil
}

/// The journal's files and a journal that cannot be written for a while.
@Suite struct JournalHardeningTests {
    static func mode(_ path: String) -> mode_t {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode & 0o7777 : 0
    }

    /// A journal someone left 0644, with its -wal and -shm: opening makes all three 0600 (before,
    /// only a journal Lull created was 0600, and SQLite copied the loose mode to new -wal/-shm files).
    @Test func looseModesOfAnExistingJournalAreMadePrivate() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("j.sqlite")
        let open = try SessionDatabase(path: path)  // keeps the -wal and -shm files in place
        let recorder = SessionRecorder(database: open, commitEverySeconds: 0, report: { _ in })
        _ = try recorder.start(client: nil, source: "simulate", strap: nil, settings: "{}")
        let files = SessionDatabase.files(of: path)
        for file in files {
            #expect(FileManager.default.fileExists(atPath: file), "\(file)")
            #expect(chmod(file, 0o644) == 0)
        }
        _ = try SessionDatabase(path: path)
        #expect(files.map(Self.mode) == [0o600, 0o600, 0o600])
    }

    /// A full disk during and at the end of a session: the beats committed before stay, the rows
    /// and the summary wait in memory, and as soon as space returns the session is closed as
    /// interrupted with the reason, every beat written.
    @Test(.enabled(if: SmallDisk.available, "needs root and a tmpfs mount (mount -t tmpfs); skipped"))
    func aFullDiskClosesTheSessionAsInterruptedOnceSpaceReturns() throws {
        let disk = try #require(SmallDisk(megabytes: 8))
        let database = try SessionDatabase(path: disk.path("j.sqlite"))
        var reports: [String] = []
        let recorder = SessionRecorder(database: database, commitEverySeconds: 0, report: { reports.append($0) })
        let id = try recorder.start(client: "c", source: "stdin", strap: nil, settings: "{}")
        for i in 1...100 { recorder.beat(seconds: Double(i) * 0.8, rrMilliseconds: 800, flag: "ok", contact: true) }
        #expect(try SessionRecorderTests.committedBeats(database.path) == 100)
        disk.fill()
        for i in 101...150 { recorder.beat(seconds: Double(i) * 0.8, rrMilliseconds: 800, flag: "ok", contact: true) }
        #expect(reports.count == 1)
        #expect(reports.first?.contains("full") == true, "\(reports)")
        #expect(recorder.writeError != nil)
        recorder.finish(outcome: .complete, summaryJSON: "{\"beats\":150}")
        #expect(recorder.awaitingClose)
        #expect(!recorder.retryClose())
        // What was committed before the disk filled is there, and the row is still open.
        #expect(try SessionRecorderTests.committedBeats(database.path) == 100)
        #expect(try database.outcome(sessionID: id)?.outcome == "running")

        disk.free()
        #expect(recorder.retryClose())
        #expect(!recorder.awaitingClose)
        #expect(recorder.writeError == nil)
        let stored = try #require(try database.session(id: id))
        #expect(stored.record.outcome == "interrupted")
        #expect(stored.record.summaryJSON == "{\"beats\":150}")
        #expect(stored.beats.map(\.seconds) == (1...150).map { Double($0) * 0.8 })
        let kinds = stored.events.map(\.kind)
        #expect(kinds == ["journal_error", "journal_unwritable"])
        #expect(abs(stored.events[0].seconds - 80.8) < 1e-9, "the gap starts with beat 101")
        #expect(stored.events[0].detail?.contains("full") == true)
        #expect(stored.events[1].detail?.hasPrefix("the journal could not be written when the session ended") == true)
    }

    /// Space back before the end: nothing was lost, so the session keeps its own outcome, and the
    /// gap in writing is an event.
    @Test(.enabled(if: SmallDisk.available, "needs root and a tmpfs mount (mount -t tmpfs); skipped"))
    func spaceBackBeforeTheEndKeepsTheOutcome() throws {
        let disk = try #require(SmallDisk(megabytes: 8))
        let database = try SessionDatabase(path: disk.path("j.sqlite"))
        let recorder = SessionRecorder(database: database, commitEverySeconds: 0, report: { _ in })
        let id = try recorder.start(client: nil, source: "stdin", strap: nil, settings: "{}")
        for i in 1...20 { recorder.beat(seconds: Double(i), rrMilliseconds: 1000, flag: "ok", contact: true) }
        disk.fill()
        for i in 21...40 { recorder.beat(seconds: Double(i), rrMilliseconds: 1000, flag: "ok", contact: true) }
        disk.free()
        recorder.finish(outcome: .complete, summaryJSON: "{}")
        #expect(!recorder.awaitingClose)
        let stored = try #require(try database.session(id: id))
        #expect(stored.record.outcome == "complete")
        #expect(stored.beats.count == 40)
        #expect(stored.events.map(\.kind) == ["journal_error"])
    }
}
