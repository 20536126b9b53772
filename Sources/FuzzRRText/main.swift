// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the RR text reader of `lull hrv` and `--source replay:FILE`:
//   swift build -c release --sanitize=fuzzer --product FuzzRRText --scratch-path .build-fuzz
//   .build-fuzz/release/FuzzRRText -max_total_time=600
// Only declarations here: a fuzzer build compiles this file as a library and takes main() from
// libFuzzer, a normal build gets an empty main(), so `swift build` still links.
import HRVCore

/// Reading must never trap; what it reads is at least 3 intervals, each within the recorded range
/// (so no later Double-to-Int conversion of a time or a window count can trap either), and the
/// beats built from them have finite, increasing times.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    guard let milliseconds = try? RRText.parse(String(decoding: bytes, as: UTF8.self)) else { return 0 }
    precondition(milliseconds.count >= 3, "\(milliseconds.count) intervals read")
    for value in milliseconds {
        precondition(RRBounds.recordedMilliseconds.contains(value), "\(value) ms read")
    }
    var last = 0.0
    for beat in RecordingAnalysis.beats(milliseconds: milliseconds) {
        precondition(beat.beatTimeSeconds.isFinite && beat.beatTimeSeconds > last, "beat at \(beat.beatTimeSeconds) s")
        last = beat.beatTimeSeconds
    }
    return 0
}
