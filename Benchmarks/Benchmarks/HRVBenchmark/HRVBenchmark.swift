// SPDX-License-Identifier: Apache-2.0
// The live HRV pipeline's cost per beat: HRVStream.append over a 24-hour Holter recording
// (shared/data/rr/nsr2db_nsr021_24h.txt), 1,000 beats per iteration, reported per beat.
// Run: swift package --package-path Benchmarks benchmark --target HRVBenchmark
import Benchmark
import Foundation
import HRVCore

let benchmarks: @Sendable () -> Void = {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let file = repository.deletingLastPathComponent().appendingPathComponent("shared/data/rr/nsr2db_nsr021_24h.txt")
    guard let text = try? String(contentsOf: file, encoding: .utf8), let rr = try? RRText.parse(text) else {
        fatalError("HRVBenchmark needs \(file.path)")
    }
    let beats = RecordingAnalysis.beats(milliseconds: rr)

    Benchmark(
        "HRVStream.append per beat",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], scalingFactor: .kilo)
    ) { benchmark in
        var stream = HRVStream()
        var next = 0
        var sink = 0.0
        for _ in benchmark.scaledIterations {
            if next == beats.count {
                stream = HRVStream()
                next = 0
            }
            sink += stream.append(beats[next]).rmssdMilliseconds ?? 0
            next += 1
        }
        blackHole(sink)
    }
}
