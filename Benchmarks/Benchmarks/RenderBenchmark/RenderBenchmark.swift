// SPDX-License-Identifier: Apache-2.0
import Benchmark
import SynthCore

/// The budget: ten minutes of 48 kHz stereo in at most 3 s on one core (≥ 200× real time),
/// and no allocation in the render callback.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(60)

    // The whole ten-minute piece per iteration; CPU time and wall clock are the figures to quote.
    // (Instructions, which do not depend on the machine's load, come from `perf stat` on
    // `lull render`: the benchmark's own counter read 5 to 27 G for the same work while another
    // process was being profiled.)
    Benchmark(
        "Render 10 min 48 kHz stereo",
        configuration: .init(metrics: [.cpuUser, .wallClock], timeUnits: .milliseconds, maxIterations: 3)
    ) { benchmark in renderTenMinutes(benchmark) }

    // The same render counting mallocs alone: the CPU metrics read /proc between the malloc
    // counter's two readings, and its allocations would be counted as the renderer's.
    Benchmark(
        "Render 10 min 48 kHz stereo, mallocs",
        configuration: .init(metrics: [.mallocCountTotal], maxIterations: 1)
    ) { benchmark in renderTenMinutes(benchmark) }

    // The render callback alone, one 1 024-frame period per iteration, warmed up: its malloc
    // count must be zero.
    Benchmark(
        "Render callback, one period",
        configuration: .init(metrics: [.mallocCountTotal, .wallClock], timeUnits: .microseconds, warmupIterations: 100, maxIterations: 20_000)
    ) { benchmark in
        let store = ParameterStore()
        var renderer = Renderer(configuration: SynthConfiguration(sampleRate: 48_000, seed: 2), parameters: store)
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 2 * 1_024)
        defer { buffer.deallocate() }
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            renderer.render(into: buffer, parameters: store)
            benchmark.stopMeasurement()
        }
        blackHole(buffer[0])
    }
}

/// Ten minutes at 48 kHz in 1 024-frame periods, with a target moved now and then as the guidance
/// would, so ramps are exercised too. Only the render loop is measured.
func renderTenMinutes(_ benchmark: Benchmark) {
    let store = ParameterStore(tempoBPM: 66, loudnessLUFS: -26, swellBreathsPerMinute: 6, swellDepthLU: 4)
    var renderer = Renderer(configuration: SynthConfiguration(sampleRate: 48_000, seed: 1), parameters: store)
    let periodFrames = 1_024
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 2 * periodFrames)
    defer { buffer.deallocate() }
    let periods = 10 * 60 * 48_000 / periodFrames
    benchmark.startMeasurement()
    for period in 0..<periods {
        if period % 1_000 == 0 { store.setTempoBPM(66 - Double(period / 1_000)) }
        renderer.render(into: buffer, parameters: store)
    }
    benchmark.stopMeasurement()
    blackHole(buffer[0])
}
