// SPDX-License-Identifier: Apache-2.0
import CALSA
import Glibc

/// Why an output could not be opened or written. Carries the errno or ALSA error code so the daemon
/// can log the cause; only opening is fatal to a caller, a live device failing later is retried.
public enum AudioOutputError: Error, Equatable, Sendable {
    /// A WAV file could not be created or written (errno).
    case file(path: String, errno: Int32)
    /// libasound refused the device or its configuration (negative ALSA error code, message).
    case device(name: String, code: Int32, message: String)
    /// The live output was started twice or used after stopping.
    case invalidState(String)
}

extension AudioOutputError: CustomStringConvertible {
    /// One line for people: what, where and the system's word for why.
    public var description: String {
        switch self {
        case .file(let path, let errno): "\(path): \(String(cString: strerror(errno)))"
        case .device(let name, let code, let message): "ALSA device \(name): \(message) (error \(code))"
        case .invalidState(let what): what
        }
    }
}

/// libasound's version, e.g. "1.2.8".
public enum ALSAOutputModule {
    public static var libraryVersion: String { String(cString: snd_asoundlib_version()) }
}
