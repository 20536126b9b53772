// SPDX-License-Identifier: Apache-2.0
import LullWire
import Foundation
import Glibc

/// Where the daemon's control socket lives, and the little socket work around it (unix(7)).
package enum ControlSocket {
    /// `control.socket_path`, else `$RUNTIME_DIRECTORY/control.sock` (systemd's RuntimeDirectory=,
    /// /run/lull), else `$XDG_RUNTIME_DIR/lull/control.sock`, else `/tmp/lull-$UID/control.sock`.
    package static func defaultPath(environment: [String: String]) -> String {
        if let runtime = environment["RUNTIME_DIRECTORY"], !runtime.isEmpty {
            // systemd may list several directories, separated by colons; Lull asks for one.
            let first = runtime.split(separator: ":").first.map(String.init) ?? runtime
            return first + "/control.sock"
        }
        if let xdg = environment["XDG_RUNTIME_DIR"], !xdg.isEmpty { return xdg + "/lull/control.sock" }
        return fallbackFolder + "/control.sock"
    }

    /// The folder of last resort, in a /tmp every user can write to.
    package static var fallbackFolder: String { "/tmp/lull-\(getuid())" }

    /// Since anyone may create `/tmp/lull-$UID` first and put their own socket in it, Lull uses the
    /// folder only if it is a real folder of this user with mode 0700 (and creates it so); else one
    /// line naming the folder, its owner and its mode. `create` is the daemon's; a client only checks.
    package static func checkFallbackFolder(create: Bool) throws(ControlClientError) {
        let folder = fallbackFolder
        // attributesOfItem reads lstat(2): a symbolic link is reported as itself, not followed.
        var attributes = try? FileManager.default.attributesOfItem(atPath: folder)
        if attributes == nil {
            guard create else { return }
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST else {
                throw ControlClientError("\(folder): cannot create the control socket's folder: \(String(cString: strerror(errno)))")
            }
            attributes = try? FileManager.default.attributesOfItem(atPath: folder)
        }
        let owner = (attributes?[.ownerAccountID] as? NSNumber)?.uint32Value ?? UInt32.max
        let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        let isFolder = attributes?[.type] as? FileAttributeType == .typeDirectory
        guard isFolder, owner == getuid(), mode & 0o077 == 0 else {
            let what = isFolder ? "a folder" : "not a folder"
            throw ControlClientError(
                "\(folder): \(what) owned by uid \(owner) with mode \(String(mode, radix: 8)); Lull needs its own "
                    + "folder there (uid \(getuid()), mode 0700): remove it, or set XDG_RUNTIME_DIR")
        }
    }

    package enum ConnectError: Error {
        /// No file at the path.
        case missing
        /// A socket file nobody listens on (a daemon that died without removing it).
        case refused
        case other(String)
    }

    /// A connected AF_UNIX stream socket to `path`.
    package static func connect(path: String) throws(ConnectError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .other("socket path too long (\(bytes.count) bytes): \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .other("socket: \(String(cString: strerror(errno)))") }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        var result: Int32
        repeat {
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
            }
        } while result < 0 && errno == EINTR
        if result < 0 {
            let code = errno
            close(fd)
            switch code {
            case ENOENT: throw .missing
            case ECONNREFUSED: throw .refused
            default: throw .other("\(path): \(String(cString: strerror(code)))")
            }
        }
        return fd
    }

    /// Makes the path ready to bind: the parent folder exists (created 0750, so only the daemon's
    /// group reaches the socket), a stale socket is removed, and a live daemon is refused.
    package static func prepare(path: String) throws(ControlClientError) {
        let parent = (path as NSString).deletingLastPathComponent
        if parent == fallbackFolder { try checkFallbackFolder(create: true) }
        if !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
            do {
                try FileManager.default.createDirectory(
                    atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw ControlClientError("control.socket_path \(path): cannot create \(parent): \(error.localizedDescription)")
            }
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return }
        guard attributes[.type] as? FileAttributeType == .typeSocket else {
            throw ControlClientError("control.socket_path \(path): exists and is not a socket")
        }
        let fd: Int32
        do {
            fd = try connect(path: path)
        } catch {
            switch error {
            case .refused:
                unlink(path)
                return
            case .missing: return
            case .other(let message): throw ControlClientError("control.socket_path \(message)")
            }
        }
        close(fd)
        throw ControlClientError("another lull daemon is listening on \(path)")
    }
}
