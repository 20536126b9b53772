// SPDX-License-Identifier: Apache-2.0
public import BLEProtocol

/// One Heart Rate Measurement notification, decoded and placed on the session clock.
public struct StrapMeasurement: Equatable, Sendable {
    /// Heart rate in beats per minute, as the strap computed it.
    public var heartRateBPM: Int
    /// The RR intervals of this notification, oldest first, with rebuilt beat times (`BeatTimeline`)
    /// and contact flags; 0 to 9 of them.
    public var beats: [StrapBeat]
    public var contact: SensorContact
    /// Cumulative energy expended in kJ, on the notifications that carry it.
    public var energyExpendedKilojoules: Int?
    /// When the notification arrived, in seconds since the supervisor started (CLOCK_MONOTONIC).
    public var arrivalSeconds: Double

    public init(heartRateBPM: Int, beats: [StrapBeat], contact: SensorContact, energyExpendedKilojoules: Int?, arrivalSeconds: Double) {
        self.heartRateBPM = heartRateBPM
        self.beats = beats
        self.contact = contact
        self.energyExpendedKilojoules = energyExpendedKilojoules
        self.arrivalSeconds = arrivalSeconds
    }
}

/// The supervisor's connection state.
public enum StrapConnectionState: Equatable, Sendable {
    /// Opening the link; `attempt` counts from 1 since the last time it was streaming.
    case connecting(attempt: Int)
    /// Subscribed: measurements flow.
    case streaming
    /// The link went away (closed, silent for too long, a protocol error); a reconnect follows.
    case lost(reason: String)
    /// Waiting `delaySeconds` before connection attempt `attempt`.
    case reconnecting(attempt: Int, delaySeconds: Double)
    /// A permanent error (no Bluetooth, no such adapter, not a heart-rate device): the stream ends.
    case failed(reason: String)
}

/// Running totals, sent with every state change so the session can log the gaps.
public struct StrapCounters: Equatable, Sendable {
    /// Links that reached streaming.
    public var connections = 0
    /// Links lost after or during setup.
    public var losses = 0
    public var measurements = 0
    public var beats = 0
    /// PDUs dropped as garbage (undecodable, truncated, unknown handle).
    public var discardedPDUs = 0
    /// When the state that carries these counters began, in seconds since the supervisor started
    /// (the clock of `StrapMeasurement.arrivalSeconds`): stamped at the source, so a slow consumer
    /// still logs the gap's true length.
    public var atSeconds: Double = 0
    public init() {}

    func stamped(_ originSeconds: Double) -> StrapCounters {
        var copy = self
        copy.atSeconds = MonotonicClock.seconds() - originSeconds
        return copy
    }
}

/// What `StrapSupervisor.events()` yields.
public enum StrapEvent: Equatable, Sendable {
    case measurement(StrapMeasurement)
    case state(StrapConnectionState, StrapCounters)
    /// Battery Level (0x2A19) in percent, read once per connection when the strap has it.
    case batteryLevel(percent: Int)
    /// GAP Device Name (0x2A00), read once per connection.
    case deviceName(String)
}
