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
    /// Connection setup, from the start of the connect to notifications enabled, ends within this
    /// many seconds or the link is dropped and retried with backoff. A real strap connects and is
    /// discovered in 1 to 2 s; without this bound a strap that accepts the link but never answers
    /// ATT would hold the supervisor for the 30 s transaction timeout.
    public var setupTimeoutSeconds: Double = 10
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
    /// The stream's continuation, so `stop()` can end the stream itself: the consumer never waits
    /// on the connection thread, even when that thread is stuck in a kernel call.
    private let continuation = Mutex<AsyncStream<StrapEvent>.Continuation?>(nil)
    /// CLOCK_MONOTONIC (`MonotonicClock.seconds()`) when the supervisor was made: the zero of
    /// `StrapMeasurement.arrivalSeconds` and `StrapCounters.atSeconds`.
    public let originSeconds = MonotonicClock.seconds()
    /// The strap last streamed from (address, names, serial number).
    public let memory: RememberedStrap

    /// A supervisor for `target`.
    public convenience init(
        target: StrapTarget, configuration: StrapSupervisorConfiguration = .init(), logger: Logger = Logger(label: "lull.strap")
    ) {
        let memory = RememberedStrap()
        self.init(
            connector: Self.connector(for: target, configuration: configuration, memory: memory, logger: logger), configuration: configuration,
            logger: logger, memory: memory)
    }

    /// A supervisor over any connector; tests hand it socketpairs.
    public init(
        connector: @escaping Connector, configuration: StrapSupervisorConfiguration = .init(),
        logger: Logger = Logger(label: "lull.strap"), memory: RememberedStrap = RememberedStrap()
    ) {
        self.connector = connector
        self.memory = memory
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
        self.continuation.withLock { $0 = continuation }
        DetachedThread.start { [self] in
            run(emit: { event in _ = self.continuation.withLock { $0?.yield(event) } })
            finish()
        }
        return stream
    }

    /// Stops the thread and ends the stream at once; the thread closes the link as it leaves.
    public func stop() {
        wake.fire()
        finish()
    }

    private func finish() {
        continuation.withLock {
            $0?.finish()
            $0 = nil
        }
    }

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
            let setupDeadline = MonotonicClock.seconds() + configuration.setupTimeoutSeconds
            do {
                let socket = try connector(wake)
                defer { socket.close() }
                switch session(on: socket, setupDeadline: setupDeadline, start: start, counters: &counters, timeline: &timeline, emit: emit) {
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
        on socket: SeqPacketSocket, setupDeadline: Double, start: Double, counters: inout StrapCounters, timeline: inout BeatTimeline,
        emit: (StrapEvent) -> Void
    ) -> SessionEnd {
        var client = GATTClient()
        var requestSentAt = MonotonicClock.seconds()
        var lastMeasurementAt = requestSentAt
        var streamed = false

        func lost(_ reason: String, permanent: Bool = false) -> SessionEnd {
            .lost(reason, permanent: permanent, streamed: streamed)
        }

        var actions = [client.start()]
        while true {
            while !actions.isEmpty {
                switch actions.removeFirst() {
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
                    memory.identified(name: profile.deviceName, serialNumber: profile.serialNumber)
                    logger.info(
                        "strap streaming",
                        metadata: [
                            "mtu": "\(profile.mtu)", "handle": "\(profile.measurementHandle)", "name": "\(profile.deviceName ?? "")",
                            "serial": "\(profile.serialNumber ?? "")", "address": "\(memory.current.address.map(String.init(describing:)) ?? "")",
                        ])
                    // Notifications that came before the CCCD write was answered, in arrival order.
                    actions.insert(contentsOf: client.takeEarlyNotifications(), at: 0)
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
            }

            // Wait for the next PDU, the transaction deadline or the silence deadline.
            let now = MonotonicClock.seconds()
            var deadline = Double.infinity
            if client.isAwaitingResponse { deadline = min(deadline, requestSentAt + configuration.transactionTimeoutSeconds) }
            if client.isStreaming { deadline = min(deadline, lastMeasurementAt + configuration.silenceTimeoutSeconds) }
            if !client.isStreaming { deadline = min(deadline, setupDeadline) }
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
                    actions = [client.transactionTimedOut()]
                } else if client.isStreaming && now >= lastMeasurementAt + configuration.silenceTimeoutSeconds {
                    return lost("no measurement for \(Self.format(configuration.silenceTimeoutSeconds)) s")
                } else if !client.isStreaming && now >= setupDeadline {
                    return lost("setup not done within \(Self.format(configuration.setupTimeoutSeconds)) s of connecting")
                }
            case .ready:
                do {
                    guard let pdu = try socket.receive() else { return lost(Self.closedReason(socket.closeErrno)) }
                    actions = [client.receive(pdu)]
                } catch {
                    return lost(error.description)
                }
            }
        }
    }

    /// Why the link closed, from the errno the kernel set on the socket: it maps the HCI
    /// Disconnection Complete reason (Core v5.3 Vol 1 Part F §2) through `bt_to_errno`
    /// (net/bluetooth/lib.c).
    static func closedReason(_ code: Int32) -> String {
        switch code {
        case 0: "the strap closed the link"
        case ETIMEDOUT: "the strap closed the link (supervision timeout: out of range or switched off)"
        case ECONNRESET: "the strap closed the link (terminated by the strap)"
        case ECONNABORTED: "the strap closed the link (terminated by this adapter)"
        case EHOSTDOWN: "the strap closed the link (host down)"
        default: "the strap closed the link (\(String(cString: strerror(code))))"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
