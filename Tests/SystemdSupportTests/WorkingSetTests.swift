// SPDX-License-Identifier: Apache-2.0
import Glibc
import Testing

@testable import SystemdSupport

@Suite struct WorkingSetTests {
    @Test func readsTheKernelsSmaps() {
        let text = """
            55aa7ed4b000-55aa7fd57000 r-xp 00000000 fe:00 5711519                    /usr/bin/lull
            Rss:               11084 kB
            Anonymous:             0 kB
            55aa7fd57000-55aa7fdcd000 r--p 0100b000 fe:00 5711519                    /usr/bin/lull
            Anonymous:           472 kB
            55aa7fdcd000-55aa7fe9e000 rw-p 01081000 fe:00 5711519                    /usr/bin/lull
            Anonymous:             4 kB
            7fe801e00000-7fe804371000 r--p 00000000 fe:00 2257                       /usr/lib/with space.so
            Anonymous:             0 kB
            7fe801e00000-7fe804371000 r--p 00000000 fe:00 2258                       /tmp/old.so (deleted)
            Anonymous:             0 kB
            7fe7fc000000-7fe7fc08f000 rw-p 00000000 00:00 0 
            Anonymous:           572 kB
            7ffd1c1f0000-7ffd1c1f2000 r-xp 00000000 00:00 0                          [vdso]
            Anonymous:             0 kB
            VmFlags: rd ex mr mw me de sd
            """
        let mappings = WorkingSet.mappings(smaps: text)
        #expect(mappings.count == 7)
        #expect(
            mappings[0]
                == .init(
                    start: 0x55aa_7ed4_b000, end: 0x55aa_7fd5_7000, permissions: "r-xp", path: "/usr/bin/lull",
                    anonymousKilobytes: 0))
        #expect(mappings[3].path == "/usr/lib/with space.so")
        // Relocated read-only data (private copies), writable data, deleted files and [vdso] stay.
        #expect(mappings.map(\.isCleanFileCode) == [true, false, false, true, false, false, false])
    }

    /// The daemon trims only files mapped for its whole life: its executable and the Swift runtime.
    @Test func theProgramsFilesAreTheExecutableAndTheSwiftRuntime() throws {
        let exe = try #require(WorkingSet.executablePath)
        #expect(WorkingSet.isProgramFile(exe))
        #expect(WorkingSet.isProgramFile("/opt/swift/usr/lib/swift/linux/libswiftCore.so"))
        #expect(WorkingSet.isProgramFile("/usr/lib/swift/linux/libFoundationEssentials.so"))
        // libasound's plugins come and go (dlopen, dlclose) while a sound card is probed.
        #expect(!WorkingSet.isProgramFile("/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so"))
        #expect(!WorkingSet.isProgramFile("/usr/lib/x86_64-linux-gnu/libasound.so.2.0.0"))
    }

    /// A read-only file mapping this test faults in whole is resident, and after `trim()` it is not.
    @Test func trimGivesBackReadOnlyFilePages() throws {
        let size = 4 << 20
        try withMappedFile(bytes: size, filledWith: 7, protection: PROT_READ) { address, path in
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            var sum = 0
            for offset in stride(from: 0, to: size, by: page) {
                sum += Int(address.load(fromByteOffset: offset, as: UInt8.self))
            }
            #expect(sum == 7 * size / page)
            #expect(residentPages(address) == size / page)
            #expect(WorkingSet.trim(files: { $0 == path }) >= size)
            #expect(residentPages(address) < size / page / 4)
            #expect(address.load(fromByteOffset: size - 1, as: UInt8.self) == 7)
        }
    }

    /// Like the dynamic linker's RELRO data: a private mapping written, then made read-only. Its
    /// copies must survive, since dropping them would bring back the file's bytes.
    @Test func keepsPrivateCopiesInReadOnlyMappings() throws {
        let size = 1 << 20
        try withMappedFile(bytes: size, filledWith: 1, protection: PROT_READ | PROT_WRITE) { address, path in
            address.storeBytes(of: 42, toByteOffset: 4096, as: UInt8.self)
            #expect(mprotect(address, size, PROT_READ) == 0)
            WorkingSet.trim(files: { $0 == path })
            #expect(address.load(fromByteOffset: 4096, as: UInt8.self) == 42)
            #expect(address.load(fromByteOffset: 0, as: UInt8.self) == 1)
        }
    }

    /// A scratch file of `bytes` copies of `value`, mapped private for the body, then removed.
    private func withMappedFile(
        bytes size: Int, filledWith value: UInt8, protection: Int32,
        _ body: (UnsafeMutableRawPointer, String) throws -> Void
    ) throws {
        let path = "/tmp/lull-working-set-\(getpid())-\(value)"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        defer { close(fd); unlink(path) }
        let bytes = [UInt8](repeating: value, count: size)
        #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, size) } == size)
        let address = try #require(mmap(nil, size, protection, MAP_PRIVATE, fd, 0))
        try #require(address != MAP_FAILED)
        defer { munmap(address, size) }
        try body(address, path)
    }

    /// mincore(2) counts pages in the page cache, so this asks /proc/self/smaps for the mapping's Rss.
    private func residentPages(_ address: UnsafeMutableRawPointer) -> Int {
        let start = String(UInt(bitPattern: address), radix: 16)
        guard let file = fopen("/proc/self/smaps", "r") else { return -1 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        var inside = false
        while fgets(&line, 512, file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix(start + "-") { inside = true; continue }
            if inside, text.hasPrefix("Rss:") {
                let kilobytes = Int(text.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
                return kilobytes * 1024 / Int(sysconf(Int32(_SC_PAGESIZE)))
            }
        }
        return -1
    }
}
