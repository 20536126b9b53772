// SPDX-License-Identifier: Apache-2.0
public import BLEProtocol

/// Turns an RR recording into the notifications a strap would send, one per second.
///
/// Real straps (Polar H10, Garmin HRM) notify about once a second with the RR values of the beats
/// that ended since the last notification: 0 when the heart is slower than 60 bpm for a moment,
/// 1 to 3 otherwise. This does the same on the recording's own time line: notification k carries
/// every beat whose end, summed from the start in 1/1024 s, falls in second k. The cursor only
/// moves when a notification is taken, so a paused link delays beats but never loses them.
public struct HeartRatePlayback: Sendable {
    /// The recording in the spec's unit.
    public let ticks1024: [UInt16]
    /// Next beat to send.
    public private(set) var cursor = 0
    /// Notifications taken so far (the playback clock, in recording seconds).
    public private(set) var second = 0
    private var endTicks = 0
    private var heartRateBPM: UInt16 = 60

    public init(ticks1024: [UInt16]) {
        self.ticks1024 = ticks1024
    }

    /// Converts a recording in milliseconds to 1/1024 s, rounding to the nearest tick. Values over
    /// 65535 ticks (64 s, a Holter signal-loss gap) cannot travel in a uint16 and are clamped.
    public init(milliseconds: [Double]) {
        self.init(ticks1024: milliseconds.map { Self.ticks(fromMilliseconds: $0) })
    }

    public static func ticks(fromMilliseconds milliseconds: Double) -> UInt16 {
        UInt16(min(65535, max(1, (milliseconds * 1.024).rounded())))
    }

    public var isFinished: Bool { cursor >= ticks1024.count }

    /// The next second's notification, or nil once every beat has been sent.
    ///
    /// - Parameter maximumRR: how many RR values fit (`(ATT_MTU - 3 - 4) / 2` with energy present);
    ///   beats past it wait for the next notification, as on a real strap.
    public mutating func next(contact: SensorContact, maximumRR: Int = 8) -> HeartRateMeasurement? {
        guard !isFinished else { return nil }
        second += 1
        var rr: [UInt16] = []
        while cursor < ticks1024.count, rr.count < maximumRR, endTicks + Int(ticks1024[cursor]) <= second * 1024 {
            endTicks += Int(ticks1024[cursor])
            rr.append(ticks1024[cursor])
            cursor += 1
        }
        if let last = rr.last { heartRateBPM = UInt16(min(255, max(20, (60 * 1024.0 / Double(last)).rounded()))) }
        // Energy Expended on every 10th notification, as Polar and Garmin straps do; roughly 0.1 kJ/s.
        let energy: UInt16? = second % 10 == 0 ? UInt16(min(65535, second / 10)) : nil
        return HeartRateMeasurement(
            heartRateBPM: heartRateBPM, contact: contact, energyExpendedKilojoules: energy, rrIntervals1024: rr,
            hasRRIntervalField: true, usesUInt16HeartRate: false)
    }
}
