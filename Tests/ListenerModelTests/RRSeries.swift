import ListenerModel

// SPDX-License-Identifier: Apache-2.0
// cos and sin for the spectral check come from the C library.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a listener for a while under fixed music and summarises what came out.
struct RRSeries {
    var beats: [SimulatedBeat]

    init(_ listener: inout SimulatedListener, seconds: Double, music: MusicState) {
        beats = []
        var last = 0.0
        while last < seconds {
            let beat = listener.nextBeat(music: music)
            beats.append(beat)
            last = beat.beatTimeSeconds
        }
    }

    var meanHeartRateBPM: Double {
        60000 / (beats.map(\.rrMilliseconds).reduce(0, +) / Double(beats.count))
    }

    var rmssdMilliseconds: Double {
        let rr = beats.map(\.rrMilliseconds)
        let squares = zip(rr, rr.dropFirst()).map { ($1 - $0) * ($1 - $0) }
        return (squares.reduce(0, +) / Double(squares.count)).squareRoot()
    }

    /// Mean periodogram power of RR (ms^2, unnormalised) over a frequency band, by a direct Fourier
    /// sum at the beat times (a Lomb-style estimate that needs no resampling).
    func power(fromHz low: Double, toHz high: Double, steps: Int = 9) -> Double {
        let rr = beats.map(\.rrMilliseconds)
        let mean = rr.reduce(0, +) / Double(rr.count)
        var total = 0.0
        for k in 0..<steps {
            let f = low + (high - low) * Double(k) / Double(steps - 1)
            var re = 0.0
            var im = 0.0
            for beat in beats {
                let phase = 2 * Double.pi * f * beat.beatTimeSeconds
                re += (beat.rrMilliseconds - mean) * cos(phase)
                im += (beat.rrMilliseconds - mean) * sin(phase)
            }
            total += (re * re + im * im) / Double(rr.count)
        }
        return total / Double(steps)
    }
}
