// SPDX-License-Identifier: Apache-2.0
import Glibc

/// Writes interleaved 32-bit IEEE float stereo WAV (RIFF `WAVE_FORMAT_IEEE_FLOAT`, tag 3, with the
/// `fact` chunk Microsoft's RIFF spec requires for non-PCM data). Float keeps the file sample-exact
/// with the renderer, which the capture tests rely on; sox and every editor read it.
public struct WAVFileWriter: ~Copyable {
    public let path: String
    public let sampleRate: Int
    public let channels = 2
    public private(set) var framesWritten: UInt64 = 0
    private var file: UnsafeMutablePointer<FILE>?

    static let headerBytes = 58  // RIFF(12) + fmt(8+18) + fact(8+4) + data header(8)

    public init(path: String, sampleRate: Int) throws(AudioOutputError) {
        self.path = path
        self.sampleRate = sampleRate
        guard let handle = fopen(path, "wb") else { throw .file(path: path, errno: errno) }
        file = handle
        try writeHeader()
    }

    deinit { if let file { fclose(file) } }

    /// Appends interleaved stereo frames.
    public mutating func write(_ samples: UnsafeBufferPointer<Float>) throws(AudioOutputError) {
        guard let file, let base = samples.baseAddress else { return }
        let written = fwrite(base, MemoryLayout<Float>.size, samples.count, file)
        guard written == samples.count else { throw .file(path: path, errno: errno) }
        framesWritten += UInt64(samples.count / channels)
    }

    /// Patches the sizes into the header and closes the file.
    public consuming func finish() throws(AudioOutputError) {
        guard let handle = file else { return }
        file = nil
        defer { fclose(handle) }
        guard fseek(handle, 0, SEEK_SET) == 0 else { throw .file(path: path, errno: errno) }
        file = handle
        try writeHeader()
        file = nil
        guard fflush(handle) == 0 else { throw .file(path: path, errno: errno) }
    }

    private func writeHeader() throws(AudioOutputError) {
        guard let file else { return }
        let dataBytes = UInt32(truncatingIfNeeded: framesWritten * UInt64(channels * 4))
        var header: [UInt8] = []
        header.reserveCapacity(Self.headerBytes)
        func ascii(_ s: String) { header.append(contentsOf: Array(s.utf8)) }
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
        ascii("RIFF"); u32(UInt32(Self.headerBytes - 8) &+ dataBytes); ascii("WAVE")
        ascii("fmt "); u32(18); u16(3); u16(UInt16(channels)); u32(UInt32(sampleRate))
        u32(UInt32(sampleRate * channels * 4)); u16(UInt16(channels * 4)); u16(32); u16(0)
        ascii("fact"); u32(4); u32(UInt32(truncatingIfNeeded: framesWritten))
        ascii("data"); u32(dataBytes)
        let written = header.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == header.count else { throw .file(path: path, errno: errno) }
    }
}
