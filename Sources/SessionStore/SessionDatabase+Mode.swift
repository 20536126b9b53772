// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#endif

extension SessionDatabase {
    /// The journal's files, as SQLite names them in WAL mode (sqlite.org/wal.html, "The WAL File"
    /// and "The Wal-Index File"): the database, its write-ahead log and its shared-memory index.
    static func files(of path: String) -> [String] { [path, path + "-wal", path + "-shm"] }

    /// Makes each of the journal's files that exists 0600, whoever created it: they hold a person's
    /// clinical record, and SQLite gives new -wal and -shm files the database's own mode, so a
    /// journal once left 0644 would stay readable by every local user. A file whose mode cannot be
    /// changed (another owner) is refused with one line naming it and its mode.
    static func enforcePrivateMode(_ path: String) throws(SessionJournalError) {
        for file in files(of: path) {
            var status = stat()
            guard stat(file, &status) == 0 else { continue }  // absent: SQLite creates it from the database's mode
            let mode = status.st_mode & 0o7777
            guard mode & 0o077 != 0 else { continue }
            if chmod(file, 0o600) != 0 {
                throw .cannotOpen(
                    path: file,
                    reason: "mode 0\(String(mode, radix: 8)), not 0600, and it cannot be changed: \(String(cString: strerror(errno)))")
            }
        }
    }
}
