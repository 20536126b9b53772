// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Why the clinic store could not be reached or used; one line, never with a password.
public struct ClinicStoreError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A PostgreSQL connection URL as libpq writes it (PostgreSQL 15 docs §34.1.1.2 "Connection URIs"):
/// `postgres[ql]://[USER[:PASSWORD]@][HOST][:PORT][/DB][?host=SOCKETDIR&sslmode=MODE&sslrootcert=FILE]`.
/// An empty host, or a host parameter starting with "/", means the Unix socket
/// `DIR/.s.PGSQL.PORT` (§34.1.2 `host`). Percent-escapes are decoded in every part.
public struct StoreURL: Sendable, Equatable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    /// Given in the URL itself; better from a file (`passwordFile`, or systemd's credentials).
    public var password: String?
    /// A host name or address, nil for a Unix socket.
    public var host: String?
    /// The socket folder for a Unix socket (`?host=/run/postgresql`); /run/postgresql when the
    /// URL names neither host nor folder (Debian's libpq default).
    public var socketDirectory: String?
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// Trusted roots for verify-ca / verify-full (`sslrootcert`); else the system's roots.
    public var sslRootCertificate: String?

    public static func isStoreURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(parsing text: String, environment: [String: String] = [:]) throws(ClinicStoreError) {
        guard Self.isStoreURL(text) else {
            throw ClinicStoreError("\(Self.redacted(text)): not a PostgreSQL URL (postgres://USER@HOST/DB)")
        }
        let rest = text[text.index(after: text.firstIndex(of: "/")!)...].dropFirst()  // after "//"
        let (main, query) = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).pair
        let (authority, path) = main.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).pair
        var userInfo: Substring = ""
        var hostPort: Substring = authority
        if let at = authority.lastIndex(of: "@") {
            userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
        }
        let (userPart, passwordPart) = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).pair
        func decode(_ s: Substring, _ what: String) throws(ClinicStoreError) -> String {
            guard let d = String(s).removingPercentEncoding else {
                throw ClinicStoreError("\(Self.redacted(text)): bad percent-escape in the \(what)")
            }
            return d
        }
        user = try decode(userPart, "user")
        password = nil
        if let passwordPart { password = try decode(passwordPart, "password") }
        database = try decode(path ?? "", "database")
        port = 5432
        sslMode = .prefer
        sslRootCertificate = nil
        socketDirectory = nil
        // [v6]:port, host:port, host.
        var hostText = hostPort
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            hostText = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { port = try Self.port(after.dropFirst(), text) }
        } else if let colon = hostPort.lastIndex(of: ":") {
            hostText = hostPort[..<colon]
            port = try Self.port(hostPort[hostPort.index(after: colon)...], text)
        }
        host = nil
        if !hostText.isEmpty { host = try decode(hostText, "host") }
        for item in (query ?? "").split(separator: "&") {
            let (key, valuePart) = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).pair
            let value = try decode(valuePart ?? "", key.description)
            switch key {
            case "host":
                if value.hasPrefix("/") { socketDirectory = value; host = nil } else { host = value }
            case "port": port = try Self.port(Substring(value), text)
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw ClinicStoreError(
                        "\(Self.redacted(text)): sslmode=\(value): expected one of "
                            + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                sslMode = mode
            case "sslrootcert": sslRootCertificate = value
            case "user": user = value
            case "password": password = value
            case "dbname": database = value
            case "application_name", "connect_timeout": break
            default:
                throw ClinicStoreError("\(Self.redacted(text)): unknown parameter '\(key)'")
            }
        }
        if host == nil && socketDirectory == nil { socketDirectory = "/run/postgresql" }
        if user.isEmpty { user = environment["USER"] ?? "postgres" }
        if database.isEmpty { database = user }
    }

    private static func port(_ text: Substring, _ url: String) throws(ClinicStoreError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ClinicStoreError("\(redacted(url)): port '\(text)' is not 1...65535")
        }
        return port
    }

    /// The Unix socket's path, when connecting through one.
    public var socketPath: String? { socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } }

    /// The URL with the password left out: for messages, logs and the journal's confirmations.
    public var description: String {
        var out = "postgres://\(user)@"
        if let host { out += host.contains(":") ? "[\(host)]" : host }
        if port != 5432 { out += ":\(port)" }
        out += "/\(database)"
        if let socketDirectory { out += "?host=\(socketDirectory)" }
        return out
    }

    /// Any URL-looking text with the password between "://user:" and "@" replaced by "***".
    public static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }

    /// The password: from the URL, else the first line of `passwordFile`, else the credential
    /// `lull-store-password` that systemd's `LoadCredential=` put in $CREDENTIALS_DIRECTORY
    /// (systemd.exec(5) "Credentials"); nil when none (peer or trust authentication).
    public func resolvedPassword(passwordFile: String?, environment: [String: String]) throws(ClinicStoreError)
        -> String?
    {
        if let password { return password }
        var file = passwordFile
        if file == nil, let credentials = environment["CREDENTIALS_DIRECTORY"] {
            let candidate = "\(credentials)/lull-store-password"
            if FileManager.default.fileExists(atPath: candidate) { file = candidate }
        }
        guard let file else { return nil }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
        else { throw ClinicStoreError("\(file): cannot read the store's password file") }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(line.hasSuffix("\r") ? line.dropLast() : line)
    }
}

extension Array where Element == Substring {
    /// The two halves of a `split(maxSplits: 1)`: the second is nil when there was no separator.
    fileprivate var pair: (Substring, Substring?) { (self.first ?? "", count > 1 ? self[1] : nil) }
}
