// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HRVCore

/// An RR file read in chunks through `RRTextReader`: the text is never held whole, so what
/// `lull hrv` keeps of a recording is its values (8 bytes a beat), not its lines as well.
package enum RRFile {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// The file's RR values in milliseconds; failures name the file (and the line, for its text).
    package static func read(path: String, chunkBytes: Int = 1 << 20) throws(Failure) -> [Double] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var status = stat()
        let size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        var reader = RRTextReader(expectedBytes: size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { buffer.deallocate() }
        do {
            while true {
                let count = Glibc.read(descriptor, buffer.baseAddress!, chunkBytes)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
                }
                if count == 0 { break }
                try reader.read(UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
            }
            return try reader.finish()
        } catch let error as RRTextError {
            throw Failure(description: "\(path): \(error)")
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(description: "\(path): \(error)")
        }
    }
}
