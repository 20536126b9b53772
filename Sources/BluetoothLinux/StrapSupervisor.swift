// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
import Glibc
public import Logging
import Synchronization

/// Settings for `StrapSupervisor`, with the defaults the issue asks for.
public struct StrapSupervisorConfiguration: Sendable {
    /// A streaming link with no measurement for this long is treated as lost.
    public var silenceTimeoutSeconds: Double = 5
    /// ATT transaction timeout (Core v5.3 Vol 3 Part F §3.3.3).
    public var transactionTimeoutSeconds: Double = 30
    /// How long an L2CAP connect may take before it is retried.
    public var connectTimeoutSeconds: Double = 10
    /// Scan window for `.auto`.
    public var scanSeconds: Double = 4
    public var backoff = ReconnectBackoff()
    /// Events kept for a slow consumer; the oldest are dropped past this (about an hour of beats).
    public var bufferedEvents = 4096
    public init() {}
}

/// Connects to a strap, subscribes, streams, and reconnects for as long as it runs.
///
/// Everything blocking runs on one dedicated thread per supervisor, which drives a `GATTClient`
/// over a `SeqPacketSocket` with poll timeouts for the 30 s transaction timeout and the 5 s
/// silence watchdog. When the link drops it reconnects with `ReconnectBackoff`, and reports every
/// change as a `StrapEvent.state`, so the session can log the gap while the music carries on.
///
/// ```swift
/// let supervisor = StrapSupervisor(target: .unix(path: "/run/lull/strap.sock"), logger: logger)
/// for await event in supervisor.events() {
///     if case .measurement(let m) = event { for beat in m.beats { use(beat) } }
/// }
/// ```
public final class StrapSupervisor: Sendable {
    /// Opens one connected ATT link; `wake` aborts a slow connect.
    public typealias Connector = @Sendable (WakeSignal) throws(BluetoothLinuxError) -> SeqPacketSocket

    private let connector: Connector
    private let configuration: StrapSupervisorConfiguration
    private let logger: Logger
    private let wake = WakeSignal()
    private let started = Atomic<Bool>(false)
    /// CLOCK_MONOTONIC (`MonotonicClock.seconds()`) when the supervisor was made: the zero of
    /// `StrapMeasurement.arrivalSeconds` and `StrapCounters.atSeconds`.
    public let originSeconds = MonotonicClock.seconds()

    /// A supervisor for `target`.
    public convenience init(
        target: StrapTarget, configuration: StrapSupervisorConfiguration = .init(), logger: Logger = Logger(label: "lull.strap")
    ) {
        self.init(connector: Self.connector(for: target, configuration: configuration, logger: logger), configuration: configuration, logger: logger)
    }

    /// A supervisor over any connector; tests hand it socketpairs.
    public init(
        connector: @escaping Connector, configuration: StrapSupervisorConfiguration = .init(),
        logger: Logger = Logger(label: "lull.strap")
    ) {
        self.connector = connector
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts the connection thread and returns its events. Call once. The stream ends after
    /// `stop()`, when the consumer stops iterating, or on a permanent failure (`.failed`).
    public func events() -> AsyncStream<StrapEvent> {
        precondition(!started.exchange(true, ordering: .relaxed), "StrapSupervisor.events() called twice")
        let (stream, continuation) = AsyncStream.makeStream(
            of: StrapEvent.self, bufferingPolicy: .bufferingNewest(configuration.bufferedEvents))
        continuation.onTermination = { [wake] _ in wake.fire() }
        DetachedThread.start { [self] in
            run(emit: { continuation.yield($0) })
            continuation.finish()
        }
        return stream
    }

    /// Stops the thread: closes the link and ends the stream.
    public func stop() { wake.fire() }

    // MARK: The loop

    private enum SessionEnd {
        case stopped
        case lost(String, permanent: Bool, streamed: Bool)
    }

    private func run(emit: (StrapEvent) -> Void) {
        let start = originSeconds
        var counters = StrapCounters()
        var timeline = BeatTimeline()
        var attempt = 1
        var random = SystemRandomNumberGenerator()
        while !wake.isFired {
            emit(.state(.connecting(attempt: attempt), counters.stamped(start)))
            do {
                let socket = try connector(wake)
                defer { socket.close() }
                switch session(on: socket, start: start, counters: &counters, timeline: &timeline, emit: emit) {
                case .stopped:
                    return
                case .lost(let reason, let permanent, let streamed):
                    counters.losses += 1
                    logger.debug("strap link lost", metadata: ["reason": "\(reason)"])
                    if permanent {
                        emit(.state(.failed(reason: reason), counters.stamped(start)))
                        return
                    }
                    emit(.state(.lost(reason: reason), counters.stamped(start)))
                    if streamed { attempt = 1 } else { attempt += 1 }
                }
            } catch {
                if wake.isFired { return }
                if error.isPermanent {
                    emit(.state(.failed(reason: error.description), counters.stamped(start)))
                    return
                }
                emit(.state(.lost(reason: error.description), counters.stamped(start)))
                attempt += 1
            }
            let delay = configuration.backoff.delaySeconds(attempt: attempt, unitRandom: Double.random(in: 0..<1, using: &random))
            emit(.state(.reconnecting(attempt: attempt, delaySeconds: delay), counters.stamped(start)))
            if Poll.sleep(seconds: delay, wake: wake) { return }
        }
    }

    /// Drives one connection until it ends.
    private func session(
        on socket: SeqPacketSocket, start: Double, counters: inout StrapCounters, timeline: inout BeatTimeline,
        emit: (StrapEvent) -> Void
    ) -> SessionEnd {
        var client = GATTClient()
        var requestSentAt = MonotonicClock.seconds()
        var lastMeasurementAt = requestSentAt
        var streamed = false

        func lost(_ reason: String, permanent: Bool = false) -> SessionEnd {
            .lost(reason, permanent: permanent, streamed: streamed)
        }

        var action = client.start()
        while true {
            switch action {
            case .send(let pdu):
                do { try socket.send(pdu) } catch { return lost(error.description) }
                // Requests start the transaction timer; confirmations and answers to the server do not.
                if ATTOpcode(rawValue: pdu.first ?? 0).isClientRequest { requestSentAt = MonotonicClock.seconds() }
            case .subscribed(let profile):
                streamed = true
                counters.connections += 1
                timeline.linkRestarted()
                lastMeasurementAt = MonotonicClock.seconds()
                if let name = profile.deviceName { emit(.deviceName(name)) }
                if let battery = profile.batteryPercent { emit(.batteryLevel(percent: Int(battery))) }
                emit(.state(.streaming, counters.stamped(start)))
                logger.debug("strap streaming", metadata: ["mtu": "\(profile.mtu)", "handle": "\(profile.measurementHandle)"])
            case .measurement(let measurement):
                let now = MonotonicClock.seconds()
                lastMeasurementAt = now
                let arrival = now - start
                let beats = timeline.beats(of: measurement, arrivalSeconds: arrival)
                counters.measurements += 1
                counters.beats += beats.count
                emit(
                    .measurement(
                        StrapMeasurement(
                            heartRateBPM: Int(measurement.heartRateBPM), beats: beats, contact: measurement.contact,
                            energyExpendedKilojoules: measurement.energyExpendedKilojoules.map(Int.init), arrivalSeconds: arrival)))
            case .discarded(let reason):
                counters.discardedPDUs += 1
                logger.debug("discarded PDU", metadata: ["reason": "\(reason)"])
            case .fail(let error):
                let permanent = [.heartRateServiceNotFound, .heartRateMeasurementNotFound, .configurationDescriptorNotFound].contains(error)
                // Name the timeout actually applied (the client's text assumes the spec's 30 s).
                let reason =
                    error == .transactionTimeout
                    ? "no ATT response within \(Self.format(configuration.transactionTimeoutSeconds)) s" : error.description
                return lost(reason, permanent: permanent)
            case .none:
                break
            }

            // Wait for the next PDU, the transaction deadline or the silence deadline.
            let now = MonotonicClock.seconds()
            var deadline = Double.infinity
            if client.isAwaitingResponse { deadline = min(deadline, requestSentAt + configuration.transactionTimeoutSeconds) }
            if client.isStreaming { deadline = min(deadline, lastMeasurementAt + configuration.silenceTimeoutSeconds) }
            let timeout: Int32 = deadline.isFinite ? Int32(max(0, (deadline - now) * 1000).rounded(.up)) : -1
            let outcome: Poll.Outcome
            do {
                outcome = try Poll.wait(for: socket.descriptor, events: Int16(POLLIN), timeoutMilliseconds: timeout, wake: wake)
            } catch {
                return lost(error.description)
            }
            switch outcome {
            case .woken:
                return .stopped
            case .timedOut:
                let now = MonotonicClock.seconds()
                if client.isAwaitingResponse && now >= requestSentAt + configuration.transactionTimeoutSeconds {
                    action = client.transactionTimedOut()
                } else if client.isStreaming && now >= lastMeasurementAt + configuration.silenceTimeoutSeconds {
                    return lost("no measurement for \(Self.format(configuration.silenceTimeoutSeconds)) s")
                } else {
                    action = .none
                }
            case .ready:
                do {
                    guard let pdu = try socket.receive() else { return lost("the strap closed the link") }
                    action = client.receive(pdu)
                } catch {
                    return lost(error.description)
                }
            }
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
