// SPDX-License-Identifier: Apache-2.0

/// An exponential moving average over irregularly spaced samples.
///
/// The weight of a new sample is `dt / (tau + dt)` (backward Euler of a first-order low-pass), which
/// needs no `exp` and stays stable for any gap. The first sample initialises the average.
struct ExponentialAverage: Sendable, Equatable {
    let timeConstantSeconds: Double
    private(set) var value: Double?

    init(timeConstantSeconds: Double) {
        self.timeConstantSeconds = timeConstantSeconds
    }

    mutating func add(_ sample: Double, elapsedSeconds: Double) {
        guard let current = value else {
            value = sample
            return
        }
        let weight = elapsedSeconds / (timeConstantSeconds + elapsedSeconds)
        value = current + weight * (sample - current)
    }
}

/// The median of the last `capacity` samples, taken at most once per `sampleSeconds`.
///
/// Why a median before the averages: an artifact the filter misses or corrects badly inflates the
/// 60-s RMSSD and throws the 64-s breathing estimate to the edge of its band for up to a minute
/// (seen in the closed loop with 5 % injected ectopic, missed and extra beats: RMSSD 16 -> 100 ms,
/// breathing 18 -> 30/min). A median over 120 s ignores any such episode shorter than 60 s.
struct MedianWindow: Sendable, Equatable {
    let capacity: Int
    let sampleSeconds: Double
    private var samples: [Double] = []
    private var next = 0
    private var lastSampleSeconds: Double?

    init(windowSeconds: Double, sampleSeconds: Double) {
        self.capacity = max(1, Int((windowSeconds / sampleSeconds).rounded()))
        self.sampleSeconds = sampleSeconds
        samples.reserveCapacity(capacity)
    }

    /// Adds `sample` if `sampleSeconds` have passed since the last one; returns the median.
    mutating func add(_ sample: Double, atSeconds seconds: Double) -> Double? {
        if lastSampleSeconds.map({ seconds - $0 >= sampleSeconds }) ?? true {
            lastSampleSeconds = seconds
            if samples.count < capacity {
                samples.append(sample)
            } else {
                samples[next] = sample
                next = (next + 1) % capacity
            }
        }
        return median
    }

    var isFull: Bool { samples.count == capacity }

    /// Nil until the window is half full, so a glitch among the first estimates cannot become the
    /// median (the first breathing estimate anchors the swell).
    var median: Double? {
        guard samples.count * 2 >= capacity, !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

/// One measure's robust fast and slow trends: a 120-s median, then exponential averages of it.
struct MeasureTrend: Sendable, Equatable {
    var window: MedianWindow
    var fast: ExponentialAverage
    var slow: ExponentialAverage

    init(fastSeconds: Double, slowSeconds: Double, medianSeconds: Double) {
        window = MedianWindow(windowSeconds: medianSeconds, sampleSeconds: 5)
        fast = ExponentialAverage(timeConstantSeconds: fastSeconds)
        slow = ExponentialAverage(timeConstantSeconds: slowSeconds)
    }

    mutating func add(_ sample: Double, atSeconds seconds: Double, elapsedSeconds: Double) {
        guard let median = window.add(sample, atSeconds: seconds) else { return }
        fast.add(median, elapsedSeconds: elapsedSeconds)
        slow.add(median, elapsedSeconds: elapsedSeconds)
    }
}

/// Trends of what the controller judges the listener by: heart rate, RMSSD and breathing rate. Fed
/// only with trusted snapshots. Heart rate (a 60-s mean, robust to single beats) goes straight into
/// its averages; RMSSD and breathing rate pass through a 120-s median first.
struct ListenerTrend: Sendable, Equatable {
    var fastHeartRateBPM: ExponentialAverage
    var slowHeartRateBPM: ExponentialAverage
    /// What the match phase sets the tempo from: a 60-s median, so a burst of artifacts in the first
    /// minutes does not raise the matched start (and with it the floor) for the whole session.
    var heartRateMedian: MedianWindow
    var rmssd: MeasureTrend
    var breathing: MeasureTrend

    init(fastSeconds: Double, slowSeconds: Double, medianSeconds: Double) {
        fastHeartRateBPM = ExponentialAverage(timeConstantSeconds: fastSeconds)
        slowHeartRateBPM = ExponentialAverage(timeConstantSeconds: slowSeconds)
        heartRateMedian = MedianWindow(windowSeconds: 60, sampleSeconds: 5)
        rmssd = MeasureTrend(fastSeconds: fastSeconds, slowSeconds: slowSeconds, medianSeconds: medianSeconds)
        breathing = MeasureTrend(fastSeconds: fastSeconds, slowSeconds: slowSeconds, medianSeconds: medianSeconds)
    }

    var fastRMSSDMilliseconds: Double? { rmssd.fast.value }
    var slowRMSSDMilliseconds: Double? { rmssd.slow.value }
    var fastBreathsPerMinute: Double? { breathing.fast.value }
    var slowBreathsPerMinute: Double? { breathing.slow.value }

    mutating func add(
        heartRateBPM: Double, rmssdMilliseconds: Double?, breathsPerMinute: Double?, atSeconds seconds: Double,
        elapsedSeconds: Double
    ) {
        fastHeartRateBPM.add(heartRateBPM, elapsedSeconds: elapsedSeconds)
        slowHeartRateBPM.add(heartRateBPM, elapsedSeconds: elapsedSeconds)
        _ = heartRateMedian.add(heartRateBPM, atSeconds: seconds)
        if let rmssdMilliseconds {
            rmssd.add(rmssdMilliseconds, atSeconds: seconds, elapsedSeconds: elapsedSeconds)
        }
        if let breathsPerMinute {
            breathing.add(breathsPerMinute, atSeconds: seconds, elapsedSeconds: elapsedSeconds)
        }
    }
}

/// The listener at the end of the match phase: what "calmer" and "more activated" are measured from.
struct ListenerBaseline: Sendable, Equatable {
    var heartRateBPM: Double?
    var rmssdMilliseconds: Double?
    var breathsPerMinute: Double?
}
