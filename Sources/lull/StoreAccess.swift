// SPDX-License-Identifier: Apache-2.0
import ClinicStore
import Foundation
import SessionRuntime
import SessionStore

/// `--db` for the reading verbs: a journal path, or a clinic store's postgres:// URL.
enum StoreAccess {
    /// The password file of the clinic store for the command line: the configuration key
    /// journal.sync_password_file as its environment variable (the verbs read no YAML file);
    /// `ClinicStore` also looks in $CREDENTIALS_DIRECTORY (systemd's LoadCredential=).
    static var passwordFile: String? { ProcessInfo.processInfo.environment["LULL_JOURNAL_SYNC_PASSWORD_FILE"] }

    static func url(_ text: String) throws -> StoreURL {
        do { return try StoreURL(parsing: text, environment: ProcessInfo.processInfo.environment) } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// The store to read: the clinic store for a postgres:// URL, else an existing journal.
    static func openForReading(_ db: String?) throws -> any SessionReading {
        if let db, StoreURL.isStoreURL(db) {
            do {
                return try ClinicStoreReader(
                    url: try url(db), passwordFile: passwordFile, environment: ProcessInfo.processInfo.environment)
            } catch let error as CommandFailure {
                throw error
            } catch {
                throw CommandFailure(ClinicStore.describe(error))
            }
        }
        return try JournalAccess.openExisting(db)
    }
}
