// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for `lull session --source stdin`'s line splitter and beat parser:
//   swift build -c release --sanitize=fuzzer --product FuzzStdinLine --scratch-path .build-fuzz
//   .build-fuzz/release/FuzzStdinLine -max_total_time=600
// Only declarations here: a fuzzer build compiles this file as a library and takes main() from
// libFuzzer, a normal build gets an empty main(), so `swift build` still links.
import HRVCore
import StdinBeats

/// The input arrives in reads of the sizes its first byte chooses (as a pipe delivers it). The
/// splitter must never trap nor hold more than a line and one read; every line it returns is
/// within the limit; every beat parsed is within the live range.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let readSize = Int(data[0]) % 64 + 1
    let limit = 32  // small, so that the fuzzer reaches the limit easily
    var splitter = LineSplitter(maximumLineBytes: limit)
    var offset = 1
    func check(_ line: LineSplitter.Line) {
        guard case .line(let text) = line else { return }
        precondition(text.utf8.count <= limit * 3, "line of \(text.utf8.count) bytes")  // invalid UTF-8 grows ×3 at most
        switch StdinBeat(line: text) {
        case .beat(let milliseconds): precondition(RRBounds.liveMilliseconds.contains(milliseconds))
        case .outOfRange(let milliseconds): precondition(milliseconds.isFinite && !RRBounds.liveMilliseconds.contains(milliseconds))
        case .skip, .invalid: break
        }
    }
    while offset < size {
        let count = min(readSize, size - offset)
        splitter.append(UnsafeBufferPointer(start: data + offset, count: count))
        offset += count
        while let line = splitter.next() {
            check(line)
            if line == .tooLong { return 0 }  // the session ends on it
        }
        precondition(splitter.pendingBytes <= limit + 1, "\(splitter.pendingBytes) bytes held")
    }
    if let line = splitter.finish() { check(line) }
    return 0
}
