// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
import BluetoothLinux
import ServiceLifecycle
import Synchronization

/// Keeps the configured strap connected while the daemon runs, idle or not: `/api/status` can say
/// whether it is found, connected, on the skin and charged; auto-start can see skin contact; and a
/// session takes over a link that is already streaming, so no beat is lost to a reconnect.
final class StrapMonitor: Service, Sendable {
    private let supervisor: StrapSupervisor
    private let searches: Bool
    private let state: DaemonState
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
    }
    private let link: Mutex<Link>

    init(target: StrapTarget, state: DaemonState) {
        supervisor = StrapSupervisor(target: target)
        var searches = false
        if case .auto = target { searches = true }
        self.searches = searches
        self.state = state
        link = Mutex(Link(strap: DaemonState.Strap(state: searches ? "searching" : "connecting")))
    }

    /// Starts sessions on skin contact from now on.
    func onContact(_ handler: @escaping @Sendable () -> Void) { contactHandler.withLock { $0 = handler } }

    func run() async {
        let events = supervisor.events()
        await withGracefulShutdownHandler {
            for await event in events { handle(event) }
        } onGracefulShutdown: { [supervisor] in
            supervisor.stop()
        }
        link.withLock { $0.feed?.finish() }
    }

    /// The strap's events from now on, for a session; the session's clock starts now on the
    /// supervisor's clock. A link already streaming is announced first, so the journal's
    /// `strap_connected` event is written as when a session opens its own link.
    func openFeed() -> StrapFeed {
        let (stream, continuation) = AsyncStream.makeStream(of: StrapEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let start = MonotonicClock.seconds() - supervisor.originSeconds
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
        let (strap, fire): (DaemonState.Strap, Bool) = link.withLock { l in
            l.feed?.yield(event)
            var fire = false
            switch event {
            case .state(let connection, let counters):
                l.counters = counters
                switch connection {
                case .streaming:
                    l.streaming = true
                    l.everStreamed = true
                    l.strap.state = "connected"
                case .connecting, .reconnecting:
                    l.strap.state = l.everStreamed ? "lost" : (searches ? "searching" : "connecting")
                case .lost, .failed:
                    l.streaming = false
                    l.armed = true
                    l.contact = .notSupported
                    l.strap.state = "lost"
                    l.strap.batteryPercent = nil
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
            return (l.strap, fire)
        }
        state.strapChanged(strap)
        if fire { contactHandler.withLock { $0 }?() }
    }
}
