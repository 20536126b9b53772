// SPDX-License-Identifier: Apache-2.0
import Benchmark
import SynthCore

/// The budget: ten minutes of 48 kHz stereo in at most 3 s on one core (≥ 200× real time),
/// and no allocation in the render callback.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.maxDuration = .seconds(60)

    // The whole ten-minute piece per iteration; wall clock and CPU time are the figures to quote.
    Benchmark(
        "Render 10 min 48 kHz stereo",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal], timeUnits: .milliseconds, maxIterations: 3)
    ) { benchmark in
        let store = ParameterStore(tempoBPM: 66, loudnessLUFS: -26, swellBreathsPerMinute: 6, swellDepthLU: 4)
        var renderer = Renderer(configuration: SynthConfiguration(sampleRate: 48_000, seed: 1), parameters: store)
        let periodFrames = 1_024
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: 2 * periodFrames)
        defer { buffer.deallocate() }
        let periods = 10 * 60 * 48_000 / periodFrames
        benchmark.startMeasurement()
        for period in 0..<periods {
            // Move a target now and then, as the guidance would, so ramps are exercised too.
            if period % 1_000 == 0 { store.setTempoBPM(66 - Double(period / 1_000)) }
            renderer.render(into: buffer, parameters: store)
        }
        benchmark.stopMeasurement()
        blackHole(buffer[0])
    }

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
