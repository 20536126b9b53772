// SPDX-License-Identifier: Apache-2.0

/// What the artifact filter concluded about one beat.
///
/// Kinds follow Lipponen & Tarvainen 2019 ("A robust algorithm for heart rate variability time
/// series artefact correction using novel beat classification", J Med Eng Technol 43(3):173-181),
/// plus `noContact` for beats a strap delivered while it reported no skin contact
/// (Heart Rate Service 1.0, §3.1.1.2, Sensor Contact Status bits).
public enum BeatFlag: String, Sendable, Hashable, CaseIterable {
    case ok
    case ectopic
    case missed
    case extra
    case longShort = "long_short"
    case noContact = "no_contact"

    /// True for every flag except `ok`.
    public var isArtifact: Bool { self != .ok }
}

/// One RR (beat-to-beat) interval as it reached Lull.
public struct RRInterval: Sendable, Hashable {
    /// The interval's length.
    public var milliseconds: Double
    /// The time of the beat that ends this interval, in seconds on the session clock.
    public var beatTimeSeconds: Double
    /// False when the strap said it had no skin contact while it measured this interval.
    public var contact: Bool

    public init(milliseconds: Double, beatTimeSeconds: Double, contact: Bool = true) {
        self.milliseconds = milliseconds
        self.beatTimeSeconds = beatTimeSeconds
        self.contact = contact
    }
}
