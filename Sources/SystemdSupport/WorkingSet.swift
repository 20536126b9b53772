// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Gives back the pages of program code that start-up touched and an idle daemon no longer needs.
///
/// Why: a long-running service's resident set is mostly clean, file-backed code, and much of it is
/// start-up only (argument parsing, the YAML reader, journal migrations, the dynamic linker's
/// relocation pass). The kernel maps file pages in blocks around each fault ("fault-around",
/// 64 KiB by default), so a few scattered calls keep whole blocks resident for months. After
/// READY=1 and after each session the daemon drops its page-table entries for read-only file
/// mappings with `madvise(MADV_DONTNEED)` (madvise(2)); the pages stay in the page cache, so what is
/// still used comes back on its next use as a minor fault, without disk reads.
///
/// Only mappings whose every page is still the file's own are dropped (smaps' `Anonymous: 0 kB`):
/// a private mapping's copied-on-write pages (the dynamic linker's relocated, then read-only
/// RELRO data) would revert to the file's bytes, so a mapping that has any is left alone. Writable
/// and anonymous memory is never touched. MADV_PAGEOUT would evict the pages instead, but the kernel
/// allows that only for files the process owns or may write (mm/madvise.c, can_do_file_pageout),
/// which a service's own binary and libraries are not.
///
/// Never call it while audio renders: the render thread must not fault on code it has been using.
public enum WorkingSet {
    /// One mapping from `/proc/self/smaps` (proc(5)): its address range, permissions, path and how
    /// many of its pages are private copies (`Anonymous:`).
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
        var permissions: String
        var path: String
        var anonymousKilobytes: Int? = nil

        /// A file's own pages only: not writable, backed by a file that still exists (not [heap],
        /// [vdso] or a deleted file), and with no private copies.
        var isCleanFileCode: Bool {
            path.hasPrefix("/") && !path.hasSuffix("(deleted)") && permissions.count == 4
                && permissions.dropFirst().first == "-" && anonymousKilobytes == 0
        }
    }

    /// Parses `/proc/self/smaps`: a header line "start-end perms offset dev inode path" for each
    /// mapping, then "Key: value kB" lines. Lines it cannot read are skipped (the file is the
    /// kernel's own, but a future field must not crash it).
    static func mappings(smaps text: String) -> [Mapping] {
        var result: [Mapping] = []
        for line in text.split(separator: "\n") {
            if let mapping = header(line) {
                result.append(mapping)
            } else if line.hasPrefix("Anonymous:"), !result.isEmpty {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                result[result.count - 1].anonymousKilobytes = fields.count >= 2 ? Int(fields[1]) : nil
            }
        }
        return result
    }

    private static func header(_ line: Substring) -> Mapping? {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5 else { return nil }
        let range = fields[0].split(separator: "-")
        guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
            end > start
        else { return nil }
        let path = fields.count == 6 ? String(fields[5].drop { $0 == " " }) : ""
        return Mapping(start: start, end: end, permissions: String(fields[1]), path: path)
    }

    /// Drops this process's clean read-only pages of the files `files` accepts (by path); returns
    /// how many bytes of mappings it dropped (0 when `/proc` is not mounted: the daemon then simply
    /// keeps them).
    ///
    /// Only files that stay mapped for the life of the process may be named: between reading smaps
    /// and madvise(2), another thread may unmap a library (libasound loads and unloads its plugins
    /// while probing a sound card) and the kernel may hand its addresses to a new anonymous mapping
    /// (a thread's stack, a malloc arena), which MADV_DONTNEED would zero. That race killed the
    /// daemon with SIGSEGV at start in the systemd test, once in three runs.
    @discardableResult
    public static func trim(files: (String) -> Bool) -> Int {
        guard let text = readFile("/proc/self/smaps") else { return 0 }
        var dropped = 0
        for mapping in mappings(smaps: text) where mapping.isCleanFileCode && files(mapping.path) {
            let length = Int(mapping.end - mapping.start)
            guard let address = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(address, length, MADV_DONTNEED) == 0 { dropped += length }
        }
        return dropped
    }

    /// The program's own files: its executable and the Swift runtime libraries the loader mapped
    /// before `main` (never unloaded), which hold most of its code.
    public static func isProgramFile(_ path: String) -> Bool {
        if path == executablePath { return true }
        let name = path.split(separator: "/").last ?? ""
        return ["libswift", "libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime"].contains {
            name.hasPrefix($0)
        }
    }

    /// This process's executable (`/proc/self/exe`), as smaps names it.
    static let executablePath: String? = {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// The calling process's resident set in bytes, from `/proc/self/statm` (second field, in pages).
    public static func residentBytes() -> Int? {
        guard let text = readFile("/proc/self/statm") else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Reads a /proc file whole (their size is 0 in stat(2), so read until end of file).
    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
