// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import BLEProtocol
import BluetoothLinux
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps the configured strap connected while the daemon runs, idle or not: `/api/status` can say
/// whether it is found, connected, on the skin and charged; auto-start can see skin contact; and a
/// session takes over a link that is already streaming, so no beat is lost to a reconnect.
final class StrapMonitor: Service, Sendable {
    private let target: StrapTarget
    /// The supervisor of this round; a new one replaces it when one gives up.
    private let supervisor: Mutex<StrapSupervisor>
    /// CLOCK_MONOTONIC when the monitor was made: the zero of every event a session receives,
    /// whichever supervisor produced it, so a session's clock survives a supervisor's restart.
    private let originSeconds = MonotonicClock.seconds()
    private let searches: Bool
    private let state: DaemonState
    private let logger: Logger
    /// Pauses before a new supervisor after one gave up: a problem that lasts (no adapter) costs a
    /// connection attempt every 10 s at most, and an adapter plugged in is used within 10 s.
    static let restartBackoff = ReconnectBackoff(baseSeconds: 1, capSeconds: 10)
    /// Called when the strap reports skin contact while the daemon is idle (`strap.auto_start_on_contact`).
    private let contactHandler = Mutex<(@Sendable () -> Void)?>(nil)

    private struct Link {
        var feed: AsyncStream<StrapEvent>.Continuation?
        var streaming = false
        var everStreamed = false
        var counters = StrapCounters()
        var contact = SensorContact.notSupported
        /// Auto-start fires once per putting-on: it re-arms when contact or the link is lost.
        var armed = true
        var strap: DaemonState.Strap
        /// What the strap waits for, as logged (once per change) and shown in `detail`.
        var problem: String?
        /// Seconds to add to the current supervisor's times to put them on `originSeconds`.
        var offsetSeconds = 0.0
    }
    private let link: Mutex<Link>

    init(target: StrapTarget, state: DaemonState, logger: Logger) {
        self.target = target
        supervisor = Mutex(StrapSupervisor(target: target))
        var searches = false
        if case .auto = target { searches = true }
        self.searches = searches
        self.state = state
        self.logger = logger
        link = Mutex(Link(strap: DaemonState.Strap(state: searches ? "searching" : "connecting")))
    }

    /// Starts sessions on skin contact from now on.
    func onContact(_ handler: @escaping @Sendable () -> Void) { contactHandler.withLock { $0 = handler } }

    /// Follows the supervisor's events; when it gives up (a permanent error such as no adapter), says
    /// why once, waits, and starts a new one: the daemon never ends because of its strap, and
    /// connects when the adapter appears. A graceful shutdown stops at once, even mid-scan.
    func run() async {
        var round = 1
        var random = SystemRandomNumberGenerator()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let current = supervisor.withLock { $0 }
            let events = current.events()
            let offset = current.originSeconds - originSeconds
            link.withLock { $0.offsetSeconds = offset }
            // Cancelled by a graceful shutdown, the loop ends (the stream's termination stops the thread).
            let streamed = await cancelWhenGracefulShutdown {
                var streamed = false
                for await event in events {
                    if case .state(.streaming, _) = event { streamed = true }
                    self.handle(event)
                }
                return streamed
            }
            current.stop()
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            if streamed { round = 1 }
            let delay = Self.restartBackoff.delaySeconds(
                attempt: round, unitRandom: Double.random(in: 0..<1, using: &random))
            round += 1
            logger.debug("strap supervisor ended; a new one follows", metadata: ["after_s": "\(delay)"])
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int64(delay * 1000))) }
            supervisor.withLock { $0 = StrapSupervisor(target: self.target) }
        }
        link.withLock { $0.feed?.finish() }
    }

    /// The strap's events from now on, for a session; the session's clock starts now on the
    /// supervisor's clock. A link already streaming is announced first, so the journal's
    /// `strap_connected` event is written as when a session opens its own link.
    func openFeed() -> StrapFeed {
        let (stream, continuation) = AsyncStream.makeStream(of: StrapEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let start = MonotonicClock.seconds() - originSeconds
        link.withLock { l in
            l.feed?.finish()
            l.feed = continuation
            if l.streaming { continuation.yield(.state(.streaming, l.counters)) }
        }
        return StrapFeed(events: stream, sessionStartSeconds: start)
    }

    func closeFeed() {
        link.withLock { l in
            l.feed?.finish()
            l.feed = nil
        }
    }

    private func handle(_ event: StrapEvent) {
        let idle = state.snapshot.phase == .idle
        let (strap, fire, logged): (DaemonState.Strap, Bool, (String?, String?)?) = link.withLock { l in
            let event = Self.rebased(event, bySeconds: l.offsetSeconds)
            // The monitor starts a new supervisor after a permanent failure, so a session sees a
            // loss it waits out with the music playing, never the end of its strap.
            if case .state(.failed(let reason), let counters) = event {
                l.feed?.yield(.state(.lost(reason: reason), counters))
            } else {
                l.feed?.yield(event)
            }
            var fire = false
            var problem = l.problem
            switch event {
            case .state(let connection, let counters):
                l.counters = counters
                switch connection {
                case .streaming:
                    l.streaming = true
                    l.everStreamed = true
                    l.strap.state = "connected"
                    problem = nil
                case .connecting, .reconnecting:
                    if problem == nil { l.strap.state = l.everStreamed ? "lost" : (searches ? "searching" : "connecting") }
                case .lost(let reason), .failed(let reason):
                    l.streaming = false
                    l.armed = true
                    l.contact = .notSupported
                    l.strap.batteryPercent = nil
                    var permanent = false
                    if case .failed = connection { permanent = true }
                    problem = StrapProblem.waitingFor(reason: reason, permanent: permanent, target: target)
                    l.strap.state = problem == nil ? "lost" : "unavailable"
                }
            case .measurement(let m):
                l.contact = m.contact
                l.strap.state = m.contact == .notDetected ? "no_contact" : "connected"
                if !idle || m.contact == .notDetected {
                    // A session is running (or the strap is off): the next putting-on starts one.
                    l.armed = m.contact == .notDetected
                } else if m.contact == .detected && l.armed {
                    l.armed = false
                    fire = true
                }
            case .batteryLevel(let percent):
                l.strap.batteryPercent = percent
            case .deviceName(let name):
                l.strap.name = name
            }
            var logged: (String?, String?)?
            if problem != l.problem {
                logged = (l.problem, problem)
                l.problem = problem
            }
            l.strap.detail = problem
            return (l.strap, fire, logged)
        }
        // One line when the strap starts waiting for something and one when that ends, not one
        // per retry: a kiosk without its adapter logs a single warning however long it waits.
        if let (before, now) = logged {
            if let now {
                logger.warning("\(now)")
            } else if let before {
                logger.notice("strap: no longer waiting (\(before))")
            }
        }
        state.strapChanged(strap)
        if fire { contactHandler.withLock { $0 }?() }
    }

    /// `event` with its times moved from the current supervisor's zero to the monitor's.
    private static func rebased(_ event: StrapEvent, bySeconds offset: Double) -> StrapEvent {
        guard offset != 0 else { return event }
        switch event {
        case .measurement(var m):
            m.arrivalSeconds += offset
            for i in m.beats.indices { m.beats[i].beatTimeSeconds += offset }
            return .measurement(m)
        case .state(let connection, var counters):
            counters.atSeconds += offset
            return .state(connection, counters)
        case .batteryLevel, .deviceName:
            return event
        }
    }
}
