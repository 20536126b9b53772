// SPDX-License-Identifier: Apache-2.0

/// One beat as the session should see it: an RR interval, when the beat that ends it happened,
/// and whether the strap had skin contact. The guided session maps it to `HRVCore.RRInterval`
/// field for field (BLEProtocol cannot depend on HRVCore).
public struct StrapBeat: Hashable, Sendable {
    /// The interval in milliseconds, exact (see `HeartRateMeasurement.milliseconds(fromTicks1024:)`).
    public var milliseconds: Double
    /// The interval exactly as the strap sent it, in 1/1024 s.
    public var ticks1024: UInt16
    /// The time of the beat that ends this interval, in seconds on the caller's clock.
    public var beatTimeSeconds: Double
    /// False when the strap reported no skin contact: flag the beat, do not feed it to HRV as clean.
    public var contact: Bool

    public init(milliseconds: Double, ticks1024: UInt16, beatTimeSeconds: Double, contact: Bool) {
        self.milliseconds = milliseconds
        self.ticks1024 = ticks1024
        self.beatTimeSeconds = beatTimeSeconds
        self.contact = contact
    }
}

/// Rebuilds beat times from RR values and keeps them aligned with arrival time.
///
/// A notification carries intervals, not times. Between anchors a beat's time is
/// `anchorSeconds + (sum of RR since the anchor) / 1024`, summed in integer 1/1024 s ticks so the sum
/// itself never accumulates rounding. The sum still drifts from the host clock, for two reasons:
/// the strap's crystal and the host's disagree by tens of ppm, and beats are lost during a
/// disconnection or a notification that never arrived. So each notification checks its last beat
/// against its arrival time `t`:
///
/// - the last beat can never be later than `t` (it was measured before it was sent): if the sum says
///   it is by more than `maximumLeadSeconds`, the sum runs fast, and the timeline re-anchors with
///   that beat at `t`. The allowance absorbs the first anchor's own lateness: it puts a beat at its
///   notification's arrival, but that beat may have ended up to a notification interval (1 s)
///   plus the link latency earlier. 1.5 s of clock drift at 50 ppm takes over 8 hours;
/// - it should not be earlier than `t - maximumLagSeconds` (a strap notifies about once a second,
///   and the last beat of a notification is at most one RR interval plus the link latency old): if
///   it is, beats went missing or the clock ran slow, and the timeline re-anchors the same way.
///
/// The first notification anchors the same way, and so does the first one after `linkRestarted()`:
/// beats measured while the link was down never arrive, so the sum cannot bridge a reconnection. Re-anchoring moves beat times, never RR values;
/// HRV is computed from the RR milliseconds, and the beat times only place them on the clock.
public struct BeatTimeline: Sendable {
    /// How far behind arrival the last beat of a notification may fall before the timeline
    /// re-anchors. Three seconds covers a 2 s RR interval (30 bpm) plus a second of latency.
    public var maximumLagSeconds: Double
    /// How far past arrival the sum may put a beat before the timeline re-anchors.
    public var maximumLeadSeconds: Double
    private var anchorSeconds: Double?
    private var ticksSinceAnchor: Int = 0
    /// How many times the timeline re-anchored after the first anchor.
    public private(set) var reanchorCount = 0

    public init(maximumLagSeconds: Double = 3, maximumLeadSeconds: Double = 1.5) {
        self.maximumLagSeconds = maximumLagSeconds
        self.maximumLeadSeconds = maximumLeadSeconds
    }

    /// Forgets the anchor: call when a new link starts streaming, since the beats of the gap are lost.
    public mutating func linkRestarted() {
        if anchorSeconds != nil { reanchorCount += 1 }
        anchorSeconds = nil
        ticksSinceAnchor = 0
    }

    /// The beats of one measurement that arrived at `arrivalSeconds`, oldest first.
    public mutating func beats(of measurement: HeartRateMeasurement, arrivalSeconds: Double) -> [StrapBeat] {
        let rr = measurement.rrIntervals1024
        guard !rr.isEmpty else { return [] }
        let notificationTicks = rr.reduce(0) { $0 + Int($1) }
        var candidateLastBeat: Double? = nil
        if let anchorSeconds {
            candidateLastBeat = anchorSeconds + Double(ticksSinceAnchor + notificationTicks) / 1024
        }
        if let last = candidateLastBeat, last <= arrivalSeconds + maximumLeadSeconds, last >= arrivalSeconds - maximumLagSeconds {
            // Within bounds: keep the running sum.
        } else {
            if candidateLastBeat != nil { reanchorCount += 1 }
            // Put the last beat of this notification at its arrival time; earlier beats follow from it.
            anchorSeconds = arrivalSeconds - Double(notificationTicks) / 1024
            ticksSinceAnchor = 0
        }
        let anchor = anchorSeconds ?? arrivalSeconds
        let contact = measurement.contact.beatsAreTrustworthy
        var beats: [StrapBeat] = []
        beats.reserveCapacity(rr.count)
        for ticks in rr {
            ticksSinceAnchor += Int(ticks)
            beats.append(
                StrapBeat(
                    milliseconds: HeartRateMeasurement.milliseconds(fromTicks1024: ticks), ticks1024: ticks,
                    beatTimeSeconds: anchor + Double(ticksSinceAnchor) / 1024, contact: contact))
        }
        return beats
    }
}
