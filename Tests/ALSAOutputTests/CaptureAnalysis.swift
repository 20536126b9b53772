// SPDX-License-Identifier: Apache-2.0
import Foundation
import SynthCore

/// Helpers for tests that play through real libasound into ALSA's own `file` and `null` plugins.
///
/// The device strings use plugins defined by alsa-lib's global /usr/share/alsa/alsa.conf
/// (`pcm.file`: type file, slave `null`, raw format) with a file in a per-test temporary folder,
/// so no user configuration (~/.asoundrc) or real sound card is involved.
enum Capture {
    /// A fresh temporary folder for one test.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lull-alsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `file:'PATH',raw`: libasound writes exactly the frames it is given, headerless.
    static func fileDevice(_ path: String) -> String { "file:'\(path)',raw" }

    /// Reads a raw capture of interleaved little-endian float32.
    static func readFloats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// The offline render of the same configuration with constant parameters.
    static func offline(_ configuration: SynthConfiguration, store: ParameterStore, frames: Int) -> [Float] {
        var renderer = Renderer(configuration: configuration, parameters: store)
        var samples = [Float](repeating: 0, count: 2 * frames)
        samples.withUnsafeMutableBufferPointer { renderer.render(into: $0, parameters: store) }
        return samples
    }
}
