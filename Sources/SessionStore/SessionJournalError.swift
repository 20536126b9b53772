// SPDX-License-Identifier: Apache-2.0

/// Why the journal could not be opened or written. Each case prints as one line that names the
/// file, because the person reading it has to decide what to do with that file.
public enum SessionJournalError: Error, Equatable, CustomStringConvertible {
    /// The path could not be created or opened (permissions, a missing parent, a directory).
    case cannotOpen(path: String, reason: String)
    /// The file exists but does not start with the SQLite header.
    case notSQLite(path: String)
    /// An SQLite database, but not Lull's journal (another application's id, or tables without ours).
    case foreign(path: String, applicationID: Int32, tables: Int)
    /// Lull's journal, migrated by a newer Lull than this one.
    case newerSchema(path: String)
    /// A statement failed after the journal was open.
    case write(String)
    /// A query of a read-only command failed (a damaged file, an I/O error).
    case read(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "\(path): cannot open the session journal: \(reason)"
        case .notSQLite(let path):
            "\(path): not an SQLite database (no SQLite header); Lull's journal would not overwrite it, left untouched"
        case .foreign(let path, let applicationID, let tables):
            "\(path): an SQLite database that is not Lull's journal (application_id "
                + "0x\(String(UInt32(bitPattern: applicationID), radix: 16)), \(tables) tables); left untouched"
        case .newerSchema(let path):
            "\(path): a Lull journal from a newer Lull (unknown migrations); left untouched"
        case .write(let reason):
            "session journal write failed: \(reason)"
        case .read(let path, let reason):
            "\(path): cannot read the journal: \(reason)"
        }
    }
}
