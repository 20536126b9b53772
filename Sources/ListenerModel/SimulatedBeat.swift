// SPDX-License-Identifier: Apache-2.0
public import HRVCore

/// What the simulation knows that a real strap would not: for tests and for judging the pipeline.
public struct ListenerGroundTruth: Sendable, Equatable {
    /// The listener's true breathing rate at this beat.
    public var breathsPerMinute: Double
    /// 0 calm ... 1 highly activated.
    public var arousal: Double
    /// The mean heart rate arousal sets (before RSA, Mayer wave and noise).
    public var meanHeartRateBPM: Double
    /// RSA half peak-to-peak amplitude at this beat.
    public var rsaAmplitudeMilliseconds: Double
    /// True when the breathing is following the swell (the guide is within reach and audible).
    public var followingGuide: Bool
    /// The fault injected into this delivered interval, if any.
    public var injectedArtifact: InjectedArtifact?

    public init(
        breathsPerMinute: Double, arousal: Double, meanHeartRateBPM: Double, rsaAmplitudeMilliseconds: Double,
        followingGuide: Bool, injectedArtifact: InjectedArtifact?
    ) {
        self.breathsPerMinute = breathsPerMinute
        self.arousal = arousal
        self.meanHeartRateBPM = meanHeartRateBPM
        self.rsaAmplitudeMilliseconds = rsaAmplitudeMilliseconds
        self.followingGuide = followingGuide
        self.injectedArtifact = injectedArtifact
    }
}

/// One interval as the simulated strap delivers it, with the simulation's ground truth.
public struct SimulatedBeat: Sendable, Equatable {
    public var rrMilliseconds: Double
    /// Session time of the beat that ends this interval.
    public var beatTimeSeconds: Double
    /// False while the simulated strap reports no skin contact.
    public var contact: Bool
    public var truth: ListenerGroundTruth

    public init(rrMilliseconds: Double, beatTimeSeconds: Double, contact: Bool, truth: ListenerGroundTruth) {
        self.rrMilliseconds = rrMilliseconds
        self.beatTimeSeconds = beatTimeSeconds
        self.contact = contact
        self.truth = truth
    }

    /// The interval as HRVCore takes it.
    public var rrInterval: RRInterval {
        RRInterval(milliseconds: rrMilliseconds, beatTimeSeconds: beatTimeSeconds, contact: contact)
    }
}
