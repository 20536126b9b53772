// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Foundation
import Glibc
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Bounds on the control API's connections (README, "Control API limits and origins"), so no
/// local process can hold the daemon's file descriptors or its operator out:
/// - each listener keeps at most `unixSocketConnections` / `loopbackConnections` open; one more
///   closes the connection that has been idle longest (no request under way), else the oldest;
/// - a connection with no request under way is closed after `idleTimeout`; a request's head must
///   arrive within `headerTimeout` of its first byte, and its body within `bodyTimeout` of its head.
///
/// The two listeners have separate tables, so a flood of the TCP port can never take the Unix
/// socket's places: `lull status` and `lull stop` always get one (the newest connection is never
/// the one closed). systemd/lull.service's `LimitNOFILE=` is sized from these numbers.
enum ConnectionLimits {
    static let unixSocketConnections = 128
    static let loopbackConnections = 256
    static let headerTimeout = TimeAmount.seconds(10)
    static let bodyTimeout = TimeAmount.seconds(10)
    static let idleTimeout = TimeAmount.seconds(30)

    /// Hummingbird's HTTP/1.1 server with a `ConnectionGuard` on every connection of `table`.
    static func server(_ table: ConnectionTable) -> HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(table: table)]))
    }

    /// Fails with one line naming `control.port` if 127.0.0.1:`port` cannot be bound (another
    /// program has it), before the server tries and dies with NIO's own error.
    static func checkPortFree(_ port: Int) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // As NIO's server bootstrap binds: SO_REUSEADDR, so a port in TIME_WAIT is not "in use".
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound != 0 else { return nil }
        return "key control.port: \(port): 127.0.0.1:\(port) cannot be bound (\(String(cString: strerror(errno))))"
    }
}

/// The open connections of one listener, for closing the longest idle when there are too many.
final class ConnectionTable: Sendable {
    private struct Entry {
        let channel: any Channel
        let openedAt: UInt64
        /// When it last became idle (a sequence number, not a time); nil while a request is under way.
        var idleSince: UInt64?
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var sequence: UInt64 = 0
        var nextID = 0
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    var count: Int { state.withLock { $0.entries.count } }

    /// Registers a new connection; closes another if this one is over the limit. Its id.
    func opened(_ channel: any Channel) -> Int {
        let (id, victim) = state.withLock { s -> (Int, (any Channel)?) in
            s.sequence += 1
            s.nextID += 1
            s.entries[s.nextID] = Entry(channel: channel, openedAt: s.sequence, idleSince: s.sequence)
            guard s.entries.count > limit else { return (s.nextID, nil) }
            let others = s.entries.filter { $0.key != s.nextID }
            let idle = others.filter { $0.value.idleSince != nil }.min { $0.value.idleSince! < $1.value.idleSince! }
            guard let pick = idle ?? others.min(by: { $0.value.openedAt < $1.value.openedAt }) else { return (s.nextID, nil) }
            s.entries[pick.key] = nil
            return (s.nextID, pick.value.channel)
        }
        victim?.close(promise: nil)
        return id
    }

    func setIdle(_ id: Int, _ idle: Bool) {
        state.withLock { s in
            s.sequence += 1
            s.entries[id]?.idleSince = idle ? s.sequence : nil
        }
    }

    func closed(_ id: Int) { _ = state.withLock { $0.entries.removeValue(forKey: id) } }
}

/// One connection's timeouts and its place in the `ConnectionTable` (see `ConnectionLimits`).
/// It sits after HTTP decoding, so it sees request heads and ends; `FirstByteObserver`, before the
/// decoder, tells it when a request's first byte arrives.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Phase {
        /// No request under way (the idle timeout runs).
        case idle
        /// A request's first bytes are in, its head is not (the header timeout runs).
        case head
        /// The head is in, the body's end is not (the body timeout runs).
        case body
        /// The request is read; the daemon is answering (no timeout: an event stream lasts).
        case responding
    }

    private let table: ConnectionTable
    private var id: Int?
    private var phase = Phase.idle
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(table: ConnectionTable) { self.table = table }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        try? context.pipeline.syncOperations.addHandler(FirstByteObserver(owner: self), position: .first)
        if context.channel.isActive { opened(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        if let id { table.closed(id) }
        id = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        opened(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        if let id { table.closed(id) }
        id = nil
        context.fireChannelInactive()
    }

    private func opened(_ context: ChannelHandlerContext) {
        guard id == nil else { return }
        id = table.opened(context.channel)
        arm(ConnectionLimits.idleTimeout)
    }

    /// From `FirstByteObserver`: bytes arrived before the decoder.
    func bytesArrived() {
        guard phase == .idle else { return }
        phase = .head
        arm(ConnectionLimits.headerTimeout)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            phase = .body
            if let id { table.setIdle(id, false) }
            arm(ConnectionLimits.bodyTimeout)
        case .body:
            break
        case .end:
            phase = .responding
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), phase == .responding {
            phase = .idle
            if let id { table.setIdle(id, true) }
            arm(ConnectionLimits.idleTimeout)
        }
        context.write(data, promise: promise)
    }

    private func arm(_ timeout: TimeAmount) {
        disarm()
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            self?.timer = nil
            self?.context?.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}

/// First in the pipeline: tells its `ConnectionGuard` when bytes arrive, before any decoding.
final class FirstByteObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private weak var owner: ConnectionGuard?

    init(owner: ConnectionGuard) { self.owner = owner }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner?.bytesArrived()
        context.fireChannelRead(data)
    }
}
