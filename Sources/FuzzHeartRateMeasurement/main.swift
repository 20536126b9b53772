// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the Heart Rate Measurement (0x2A37) decoder:
//   swift build -c release --sanitize=fuzzer --product FuzzHeartRateMeasurement
//   .build/release/FuzzHeartRateMeasurement -max_total_time=600
// Only declarations here: a fuzzer build compiles this file as a library and takes main() from
// libFuzzer, a normal build gets an empty main(), so `swift build` still links. Rerun a crash
// input with the fuzzer binary itself: .build/release/FUZZER crash-<sha1>.
import BLEProtocol

/// Decoding never traps; a decoded value re-encodes to bytes that decode to the same value; and
/// the beat timeline accepts whatever RR values came out, with finite, ordered beat times.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let measurement = try? HeartRateMeasurement(decoding: bytes) else { return 0 }
    let again = try? HeartRateMeasurement(decoding: measurement.encoded())
    precondition(again == measurement, "re-encoding changed \(measurement)")
    var timeline = BeatTimeline()
    let beats = timeline.beats(of: measurement, arrivalSeconds: 100)
    precondition(beats.count == measurement.rrIntervals1024.count)
    precondition(zip(beats, beats.dropFirst()).allSatisfy { $0.beatTimeSeconds <= $1.beatTimeSeconds })
    precondition(beats.last.map { $0.beatTimeSeconds == 100 } ?? true)
    return 0
}

