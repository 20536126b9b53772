// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Synchronization

/// Fans the daemon's server-sent events out to every connected `/api/events` client.
///
/// Each subscriber gets its own stream that keeps only the newest events (a stalled browser must
/// never hold the session loop back or grow the daemon's memory), as ServiceLifecycle's guidance
/// for streams between stages suggests (`bufferingNewest`).
final class EventHub: Sendable {
    private struct Table {
        var subscribers: [Int: AsyncStream<String>.Continuation] = [:]
        /// Set by `finishAll`: a client that (re)connects during shutdown gets the status and the
        /// end of the stream at once, so no open stream can hold the HTTP servers' graceful stop.
        var closed = false
    }
    private let table = Mutex(Table())
    private let nextID = Atomic<Int>(0)
    /// About two minutes of beats and swell events for a reader that falls behind.
    static let bufferedEvents = 256

    /// A new subscriber's stream, starting with `first` (the current status).
    func subscribe(first: String) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: String.self, bufferingPolicy: .bufferingNewest(Self.bufferedEvents))
        let id = nextID.add(1, ordering: .relaxed).newValue
        continuation.yield(first)
        continuation.onTermination = { [weak self] _ in
            _ = self?.table.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        let closed = table.withLock { table in
            if !table.closed { table.subscribers[id] = continuation }
            return table.closed
        }
        if closed { continuation.finish() }
        return stream
    }

    /// Sends one event (already in `text/event-stream` form) to every subscriber.
    func publish(_ event: String) {
        let all = table.withLock { Array($0.subscribers.values) }
        for continuation in all { continuation.yield(event) }
    }

    /// Ends every stream (at shutdown), so the HTTP server can finish its responses.
    func finishAll() {
        let all = table.withLock { table in
            table.closed = true
            defer { table.subscribers.removeAll() }
            return Array(table.subscribers.values)
        }
        for continuation in all { continuation.finish() }
    }

    var subscriberCount: Int { table.withLock { $0.subscribers.count } }

    /// One server-sent event: `event: NAME` and one `data:` line (JSON has no raw newlines).
    static func event(_ name: String, _ json: String) -> String { "event: \(name)\ndata: \(json)\n\n" }

    /// A comment line, which keeps proxies and browsers from timing the stream out (WHATWG HTML
    /// §9.2, "lines starting with a colon are comments").
    static let ping = ": ping\n\n"
}
