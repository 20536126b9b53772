// SPDX-License-Identifier: Apache-2.0

/// Time-domain metrics of one window, Task Force 1996 definitions
/// (Circulation 93(5):1043-1065) and NeuroKit2 `hrv_time` / Poincaré conventions.
public struct TimeDomainMetrics: Sendable, Equatable {
    /// Number of RR intervals in the window.
    public var count: Int
    public var meanRRMilliseconds: Double
    /// 60000 / mean RR (not the mean of instantaneous rates).
    public var meanHeartRateBPM: Double
    /// Sample standard deviation (N-1). Nil with fewer than 2 intervals.
    public var sdnnMilliseconds: Double?
    /// Root mean square of successive differences. Nil with fewer than 2 intervals.
    public var rmssdMilliseconds: Double?
    /// 100 x #(|ΔRR| > 50 ms) / (N-1): the Task Force / Kubios denominator (successive differences).
    public var pnn50Percent: Double?
    /// Poincaré SD1, SD2: sample SD of (RR[n+1]-RR[n])/√2 and (RR[n+1]+RR[n])/√2.
    public var sd1Milliseconds: Double?
    public var sd2Milliseconds: Double?

    public init(
        count: Int, meanRRMilliseconds: Double, meanHeartRateBPM: Double, sdnnMilliseconds: Double?,
        rmssdMilliseconds: Double?, pnn50Percent: Double?, sd1Milliseconds: Double?, sd2Milliseconds: Double?
    ) {
        self.count = count
        self.meanRRMilliseconds = meanRRMilliseconds
        self.meanHeartRateBPM = meanHeartRateBPM
        self.sdnnMilliseconds = sdnnMilliseconds
        self.rmssdMilliseconds = rmssdMilliseconds
        self.pnn50Percent = pnn50Percent
        self.sd1Milliseconds = sd1Milliseconds
        self.sd2Milliseconds = sd2Milliseconds
    }
}

/// Frequency-domain powers of one window (ms², bands LF 0.04-0.15 Hz, HF 0.15-0.4 Hz).
public struct FrequencyDomainMetrics: Sendable, Equatable {
    public var lfMs2: Double
    public var hfMs2: Double
    /// Nil when HF power is zero.
    public var lfHF: Double? { hfMs2 > 0 ? lfMs2 / hfMs2 : nil }

    public init(lfMs2: Double, hfMs2: Double) {
        self.lfMs2 = lfMs2
        self.hfMs2 = hfMs2
    }
}

/// The state of the listener's heart after one beat: what the guidance, the live display and the
/// journal read. Every metric is nil until there is enough data for it; never a made-up zero.
public struct HRVSnapshot: Sendable, Equatable {
    /// The newest beat, as received.
    public var beat: RRInterval
    /// The artifact filter's verdict on the newest decided beat (see `ArtifactFilter`).
    public var flag: BeatFlag
    /// Time-domain metrics of the corrected series over the sliding window.
    public var timeDomain: TimeDomainMetrics?
    /// The same over the raw series, as delivered.
    public var rawTimeDomain: TimeDomainMetrics?
    /// The latest frequency-domain estimate (refreshed every few seconds, not every beat).
    public var frequencyDomain: FrequencyDomainMetrics?
    /// McCraty & Zayas 2014 coherence ratio over the last 64 s.
    public var coherence: Double?
    /// Breaths per minute from the dominant respiratory-sinus-arrhythmia frequency, last ~60 s.
    public var breathingRatePerMinute: Double?
    /// Share of beats in the window that the artifact filter flagged, in percent.
    public var artifactPercent: Double

    public init(
        beat: RRInterval, flag: BeatFlag, timeDomain: TimeDomainMetrics? = nil,
        rawTimeDomain: TimeDomainMetrics? = nil, frequencyDomain: FrequencyDomainMetrics? = nil,
        coherence: Double? = nil, breathingRatePerMinute: Double? = nil, artifactPercent: Double = 0
    ) {
        self.beat = beat
        self.flag = flag
        self.timeDomain = timeDomain
        self.rawTimeDomain = rawTimeDomain
        self.frequencyDomain = frequencyDomain
        self.coherence = coherence
        self.breathingRatePerMinute = breathingRatePerMinute
        self.artifactPercent = artifactPercent
    }

    /// Mean heart rate over the window of the corrected series.
    public var heartRateBPM: Double? { timeDomain?.meanHeartRateBPM }
    /// RMSSD over the window of the corrected series.
    public var rmssdMilliseconds: Double? { timeDomain?.rmssdMilliseconds }
}
