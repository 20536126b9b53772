// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one paced step showed, from the RR series alone (and the guide's phase, which Lull sets).
public struct StepMetrics: Sendable, Equatable {
    /// The paced rate of the step.
    public var breathsPerMinute: Double
    /// Heart rate's highest minus lowest beat in each paced breath, averaged over the whole breaths
    /// of the analysed part (Shaffer & Meehan 2020's "peak-trough amplitude").
    public var peakTroughBPM: Double?
    /// Power within ±0.015 Hz of the highest peak in 0.04-0.15 Hz, ms².
    public var lfPeakMs2: Double?
    /// Power in 0.04-0.15 Hz (Task Force 1996), ms².
    public var lfMs2: Double?
    /// Frequency of that highest low-frequency peak.
    public var peakHz: Double?
    public var rmssdMilliseconds: Double?
    /// McCraty & Zayas 2014's coherence ratio (peak in 0.04-0.26 Hz over the rest of 0.0033-0.4 Hz).
    public var coherence: Double?
    /// Phase of heart rate against the guide's breath at the paced rate, degrees in (-180, 180]:
    /// positive when heart rate leads; 0 at resonance (Vaschillo et al. 2002).
    public var phaseDegrees: Double?
    /// Flagged beats (artifacts, no contact) of the analysed part, percent.
    public var artifactPercent: Double
    /// Enough clean data to be compared.
    public var usable: Bool
    /// The heart rhythm's main low-frequency peak lay at the paced rate.
    public var followed: Bool
    /// 1 on the first try, 2 when the step was breathed again.
    public var attempts: Int

    public init(
        breathsPerMinute: Double, peakTroughBPM: Double?, lfPeakMs2: Double?, lfMs2: Double?, peakHz: Double?,
        rmssdMilliseconds: Double?, coherence: Double?, phaseDegrees: Double?, artifactPercent: Double, usable: Bool,
        followed: Bool, attempts: Int
    ) {
        self.breathsPerMinute = breathsPerMinute
        self.peakTroughBPM = peakTroughBPM
        self.lfPeakMs2 = lfPeakMs2
        self.lfMs2 = lfMs2
        self.peakHz = peakHz
        self.rmssdMilliseconds = rmssdMilliseconds
        self.coherence = coherence
        self.phaseDegrees = phaseDegrees
        self.artifactPercent = artifactPercent
        self.usable = usable
        self.followed = followed
        self.attempts = attempts
    }
}

/// One beat as the assessment keeps it.
struct AssessedBeat: Sendable, Equatable {
    var seconds: Double
    var rrMilliseconds: Double
    /// The artifact filter's verdict once known; false while undecided.
    var flagged: Bool
}

/// The analysis of one step's beats: a pure function of the beats, the window and the guide.
///
/// Method: the clean beats (flagged ones left out and bridged), each placed at the middle of its
/// interval, are interpolated linearly onto a 4 Hz grid, both as RR (ms) and as heart rate (bpm). The RR series, its least-squares line removed and
/// Hann-windowed, gives a periodogram on a 0.001 Hz grid from 0.0033 to 0.4 Hz (a direct sum: ~100 s
/// of data, 400 frequencies); LF, the LF peak and coherence are read from it as in `RespiratorySpectrum`.
/// The phase is the argument of the heart-rate series demodulated by the guide's breath
/// (Σ w·HR·e^{-iθ}), turned into the lead of HR over sin θ (θ is π/2 at full inhalation).
enum StepAnalysis {
    static let samplingHz = 4.0

    struct Window {
        var startSeconds: Double
        var endSeconds: Double
        var breathsPerMinute: Double
        /// The guide's phase (radians) at `startSeconds`; it advances at `breathsPerMinute`.
        var guidePhaseAtStart: Double
    }

    static func guidePhase(_ w: Window, at seconds: Double) -> Double {
        w.guidePhaseAtStart + 2 * Double.pi * w.breathsPerMinute / 60 * (seconds - w.startSeconds)
    }

    /// Clean data coverage (fraction of the window) and artifact percent of `beats` in the window.
    static func quality(_ beats: ArraySlice<AssessedBeat>, _ w: Window) -> (clean: Double, artifactPercent: Double) {
        let inside = beats.filter { $0.seconds >= w.startSeconds && $0.seconds < w.endSeconds }
        guard !inside.isEmpty, w.endSeconds > w.startSeconds else { return (0, 100) }
        let flagged = inside.filter(\.flagged).count
        let cleanSeconds = inside.filter { !$0.flagged }.reduce(0) { $0 + $1.rrMilliseconds / 1000 }
        return (min(1, cleanSeconds / (w.endSeconds - w.startSeconds)), 100 * Double(flagged) / Double(inside.count))
    }

    static func analyse(
        _ beats: ArraySlice<AssessedBeat>, _ w: Window, protocol p: AssessmentProtocol, attempts: Int
    ) -> StepMetrics {
        let (cleanFraction, artifactPercent) = quality(beats, w)
        let usable = cleanFraction >= p.minimumCleanFraction && artifactPercent <= p.maximumArtifactPercent
        var m = StepMetrics(
            breathsPerMinute: w.breathsPerMinute, peakTroughBPM: nil, lfPeakMs2: nil, lfMs2: nil, peakHz: nil,
            rmssdMilliseconds: nil, coherence: nil, phaseDegrees: nil, artifactPercent: artifactPercent,
            usable: usable, followed: false, attempts: attempts)
        let inside = Array(beats.filter { $0.seconds >= w.startSeconds && $0.seconds < w.endSeconds })
        let clean = inside.filter { !$0.flagged }
        m.rmssdMilliseconds = rmssd(inside)
        m.peakTroughBPM = peakTrough(clean, w)
        guard clean.count >= 8, let last = clean.last, let first = clean.first, last.seconds - first.seconds >= 30
        else { return m }
        // Each interval stands for the heart's rate over it, so it is placed at its middle: placed at
        // its closing beat it would lag by half an interval (about 15° at 0.1 Hz) and bias the phase.
        let middles = clean.map { $0.seconds - $0.rrMilliseconds / 2000 }
        let gridTimes = stride(from: middles[0], through: middles[middles.count - 1], by: 1 / samplingHz).map { $0 }
        let rr = interpolate(middles, clean.map(\.rrMilliseconds), at: gridTimes)
        let spectrum = Spectrum(samples: rr)
        m.lfMs2 = spectrum.power(from: 0.04, to: 0.15)
        if let peak = spectrum.peak(from: 0.04, to: 0.15) {
            m.peakHz = peak
            m.lfPeakMs2 = spectrum.power(from: peak - 0.015, to: peak + 0.015)
        }
        if let peak = spectrum.peak(from: 0.04, to: 0.26) {
            let peakPower = spectrum.power(from: peak - 0.015, to: peak + 0.015)
            let rest = spectrum.power(from: 0.0033, to: 0.4) - peakPower
            m.coherence = rest > 0 ? peakPower / rest : nil
        }
        let heartRate = rr.map { 60000 / $0 }
        m.phaseDegrees = phase(heartRate, times: gridTimes, w)
        if let peak = m.peakHz {
            m.followed = abs(peak * 60 - w.breathsPerMinute) <= p.followToleranceBreathsPerMinute
        }
        return m
    }

    /// RMSSD over successive pairs of clean beats that were neighbours in the delivered series.
    static func rmssd(_ beats: [AssessedBeat]) -> Double? {
        var sum = 0.0
        var count = 0
        for i in beats.indices.dropFirst() where !beats[i].flagged && !beats[i - 1].flagged {
            let d = beats[i].rrMilliseconds - beats[i - 1].rrMilliseconds
            sum += d * d
            count += 1
        }
        return count >= 10 ? (sum / Double(count)).squareRoot() : nil
    }

    /// Highest minus lowest beat heart rate within each whole guide breath, averaged. The breaths cut
    /// by the window's start and end are left out.
    static func peakTrough(_ clean: [AssessedBeat], _ w: Window) -> Double? {
        func breath(_ seconds: Double) -> Int { Int((guidePhase(w, at: seconds) / (2 * Double.pi)).rounded(.down)) }
        let partial: Set<Int> = [breath(w.startSeconds), breath(w.endSeconds)]
        var range: [Int: (low: Double, high: Double, count: Int)] = [:]
        for beat in clean {
            let index = breath(beat.seconds)
            guard !partial.contains(index) else { continue }
            let hr = 60000 / beat.rrMilliseconds
            let r = range[index] ?? (.infinity, -.infinity, 0)
            range[index] = (min(r.low, hr), max(r.high, hr), r.count + 1)
        }
        // Summed in breath order: a dictionary's order changes from one process to the next, and
        // with it the last bit of a floating-point sum (the same seed gave two answers).
        let swings = range.sorted { $0.key < $1.key }.map(\.value).filter { $0.count >= 3 }.map { $0.high - $0.low }
        guard !swings.isEmpty else { return nil }
        return swings.reduce(0, +) / Double(swings.count)
    }

    /// Heart rate's lead over the guide's breath, sin θ, at the paced rate.
    static func phase(_ heartRate: [Double], times: [Double], _ w: Window) -> Double? {
        guard heartRate.count > 8 else { return nil }
        let mean = heartRate.reduce(0, +) / Double(heartRate.count)
        var re = 0.0
        var im = 0.0
        let n = Double(heartRate.count)
        for (i, (h, t)) in zip(heartRate, times).enumerated() {
            let weight = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / n)
            let theta = guidePhase(w, at: t)
            re += weight * (h - mean) * cos(theta)
            im -= weight * (h - mean) * sin(theta)
        }
        guard re != 0 || im != 0 else { return nil }
        // HR = A sin(θ + φ) demodulates to (A/2)(sin φ - i cos φ): φ = arg + 90°.
        var degrees = atan2(im, re) * 180 / Double.pi + 90
        if degrees > 180 { degrees -= 360 }
        if degrees <= -180 { degrees += 360 }
        return degrees
    }

    /// Linear interpolation of (x, y) at ascending `at` (inside x's range).
    static func interpolate(_ x: [Double], _ y: [Double], at points: [Double]) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(points.count)
        var j = 0
        for p in points {
            while j + 1 < x.count - 1, x[j + 1] < p { j += 1 }
            let span = x[j + 1] - x[j]
            let f = span > 0 ? min(max((p - x[j]) / span, 0), 1) : 0
            out.append(y[j] + f * (y[j + 1] - y[j]))
        }
        return out
    }
}

/// A one-segment periodogram (ms²/Hz) of an evenly sampled series on a 0.001 Hz grid.
struct Spectrum {
    static let stepHz = 0.001
    static let maxHz = 0.4
    var densities: [Double] = []

    init(samples: [Double]) {
        let n = samples.count
        let fs = StepAnalysis.samplingHz
        // Least-squares line removed, then a Hann window.
        let meanIndex = Double(n - 1) / 2
        let mean = samples.reduce(0, +) / Double(n)
        var sxy = 0.0
        var sxx = 0.0
        for (i, v) in samples.enumerated() {
            sxy += (Double(i) - meanIndex) * (v - mean)
            sxx += (Double(i) - meanIndex) * (Double(i) - meanIndex)
        }
        let slope = sxx > 0 ? sxy / sxx : 0
        var x = [Double](repeating: 0, count: n)
        var windowEnergy = 0.0
        for i in 0..<n {
            let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n))
            x[i] = w * (samples[i] - mean - slope * (Double(i) - meanIndex))
            windowEnergy += w * w
        }
        let bins = Int((Self.maxHz / Self.stepHz).rounded())
        densities.reserveCapacity(bins + 1)
        for k in 0...bins {
            let omega = 2 * Double.pi * Double(k) * Self.stepHz / fs
            var re = 0.0
            var im = 0.0
            for i in 0..<n {
                re += x[i] * cos(omega * Double(i))
                im -= x[i] * sin(omega * Double(i))
            }
            densities.append(2 * (re * re + im * im) / (fs * windowEnergy))
        }
    }

    func bin(_ hz: Double) -> Int { min(max(Int((hz / Self.stepHz).rounded()), 0), densities.count - 1) }

    /// Power between `low` and `high` Hz, ms².
    func power(from low: Double, to high: Double) -> Double {
        densities[bin(low)...bin(high)].reduce(0, +) * Self.stepHz
    }

    /// The frequency of the highest density between `low` and `high` Hz.
    func peak(from low: Double, to high: Double) -> Double? {
        let range = bin(low)...bin(high)
        guard let k = range.max(by: { densities[$0] < densities[$1] }), densities[k] > 0 else { return nil }
        return Double(k) * Self.stepHz
    }
}
