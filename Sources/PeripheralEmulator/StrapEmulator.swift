// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
public import BluetoothLinux
import Glibc
import Synchronization

/// Settings for a `StrapEmulator`.
public struct StrapEmulatorConfiguration: Sendable {
    /// Playback speed: 1 plays one notification per wall second, as a strap does; 50 plays a
    /// 10-minute recording in 12 s.
    public var speed: Double = 1
    public var faults = EmulatorFaults()
    public var deviceName = "Lull Emulated Strap"
    public var batteryPercent: UInt8 = 87
    /// Server receive MTU; 23 keeps to the default, as most straps do.
    public var serverMTU: UInt16 = 23
    public init() {}
}

/// What the emulator did, for its summary line and for tests.
public struct StrapEmulatorStatistics: Equatable, Sendable {
    public var connections = 0
    public var notifications = 0
    public var beatsSent = 0
    public var drops = 0
    public var garbagePDUs = 0
    public var stalls = 0
    public var bursts = 0
    public init() {}
}

/// A heart-rate strap on the far end of a SEQPACKET socket: a GATT server for the Heart Rate and
/// Battery services that plays an RR recording as notifications, with scripted faults.
///
/// The playback position belongs to the emulator, not the connection: it advances only while a
/// client is subscribed, so a drop delays beats and never loses or repeats them. That is kinder
/// than a real strap (which keeps beating while nobody listens), and it is what lets a test demand
/// every RR value of a recording, in order, across every fault.
public final class StrapEmulator: Sendable {
    public enum ConnectionEnd: Equatable, Sendable {
        /// The client closed the link or stopped answering.
        case clientLeft
        /// A `drop` fault closed it.
        case dropped
        /// Every beat was sent.
        case finished
        /// `stop` was called.
        case stopped
    }

    private struct State: Sendable {
        var playback: HeartRatePlayback
        var statistics = StrapEmulatorStatistics()
        var garbageIndex = 0
        var stallsDone = Set<Int>()
    }

    public let configuration: StrapEmulatorConfiguration
    private let state: Mutex<State>
    private let wake = WakeSignal()

    public init(playback: HeartRatePlayback, configuration: StrapEmulatorConfiguration) {
        self.configuration = configuration
        self.state = Mutex(State(playback: playback))
    }

    public var statistics: StrapEmulatorStatistics { state.withLock { $0.statistics } }
    public var isFinished: Bool { state.withLock { $0.playback.isFinished } }

    /// Ends any connection in progress and every future one.
    public func stop() { wake.fire() }

    /// Serves one connection until it ends. Serialised: a second caller waits for the first.
    public func serve(_ socket: SeqPacketSocket) -> ConnectionEnd {
        state.withLock { state in serveLocked(socket, state: &state) }
    }

    /// Serves `socket` on a thread of its own; the socketpair tests' "accept".
    public func serveDetached(_ socket: SeqPacketSocket) {
        DetachedThread.start { [self] in
            _ = serve(socket)
            socket.close()
        }
    }

    /// A connector for `StrapSupervisor(connector:)`: each connection is a fresh socketpair whose
    /// far end this emulator serves; once the recording is played, connecting fails like a strap
    /// that has gone away. This is the in-process strap (tests, `--source emulated`).
    public func makeConnector() -> StrapSupervisor.Connector {
        { _ throws(BluetoothLinuxError) in
            guard !self.isFinished else { throw .peerUnavailable("the emulated strap, which has played its recording") }
            let (client, server) = try SeqPacketSocket.pair()
            self.serveDetached(server)
            return client
        }
    }

    /// Listens at `path` and serves clients one after another until the recording is played or
    /// `stop()` is called. `onEvent` reports listener changes (for the command's log).
    public func listen(path: String, onEvent: (String) -> Void = { _ in }) throws(BluetoothLinuxError) {
        var listener = try UnixSeqPacketListener(path: path)
        defer { listener.close() }
        onEvent("listening on unix:\(path)")
        while !wake.isFired {
            guard let socket = try listener.accept(wake: wake) else { return }
            let end = serve(socket)
            socket.close()
            switch end {
            case .finished, .stopped:
                return
            case .clientLeft:
                onEvent("client left")
            case .dropped:
                onEvent("dropped the link")
                if configuration.faults.downWallSeconds > 0 {
                    listener.close()
                    onEvent("not accepting for \(configuration.faults.downWallSeconds) s")
                    if pollSleep(seconds: configuration.faults.downWallSeconds) { return }
                    listener = try UnixSeqPacketListener(path: path)
                    onEvent("accepting again")
                }
            }
        }
    }

    // MARK: One connection

    private func serveLocked(_ socket: SeqPacketSocket, state: inout State) -> ConnectionEnd {
        state.statistics.connections += 1
        var server = HeartRateGATTServer(
            deviceName: configuration.deviceName, batteryPercent: configuration.batteryPercent,
            serverMTU: configuration.serverMTU)
        let interval = 1 / max(configuration.speed, 0.001)
        var nextTick = Double.infinity
        let faults = configuration.faults
        while true {
            if state.playback.isFinished {
                return .finished
            }
            let now = MonotonicClock.seconds()
            let timeout: Int32 = nextTick.isFinite ? Int32(max(0, (nextTick - now) * 1000).rounded(.up)) : -1
            var entries = [
                pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.descriptorForPolling, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&entries, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return .clientLeft
            }
            if entries[1].revents != 0 { return .stopped }
            if entries[0].revents != 0 {
                guard let bytes = try? socket.receive() else { return .clientLeft }
                let wasEnabled = server.notificationsEnabled
                if let response = server.respond(to: bytes) {
                    guard (try? socket.send(response)) != nil else { return .clientLeft }
                }
                if server.notificationsEnabled && !wasEnabled { nextTick = MonotonicClock.seconds() + interval }
                if !server.notificationsEnabled { nextTick = .infinity }
                continue
            }
            guard MonotonicClock.seconds() >= nextTick else { continue }

            // One recording second.
            let second = state.playback.second + 1
            if let stall = faults.stalls.first(where: { $0.atSecond == second }), !state.stallsDone.contains(second) {
                state.stallsDone.insert(second)
                state.statistics.stalls += 1
                nextTick += stall.wallSeconds
                continue
            }
            var count = 1
            if let every = faults.burstEverySeconds, second % every == 0 {
                count = 3
                state.statistics.bursts += 1
            }
            // (MTU - 3 for the notification header - 4 for flags, uint8 HR and energy) / 2 per RR.
            let maximumRR = (Int(server.mtu) - 3 - 4) / 2
            for _ in 0..<count {
                let contact: SensorContact = faults.contactOff.contains { $0.contains(state.playback.second + 1) } ? .notDetected : .detected
                guard let measurement = state.playback.next(contact: contact, maximumRR: maximumRR) else { break }
                let pdu = ATTPDU.handleValueNotification(handle: HeartRateGATTServer.measurementHandle, value: measurement.encoded())
                guard (try? socket.send(pdu.encoded())) != nil else { return .clientLeft }
                state.statistics.notifications += 1
                state.statistics.beatsSent += measurement.rrIntervals1024.count
            }
            nextTick += interval * Double(count)
            if let every = faults.garbageEverySeconds, second % every == 0 {
                let garbage = Self.garbage[state.garbageIndex % Self.garbage.count]
                state.garbageIndex += 1
                guard (try? socket.send(garbage)) != nil else { return .clientLeft }
                state.statistics.garbagePDUs += 1
            }
            if let every = faults.dropEverySeconds, state.playback.second % every < count, !state.playback.isFinished {
                state.statistics.drops += 1
                return .dropped
            }
        }
    }

    /// Malformed PDUs a buggy or noisy link delivers; none is a response, so a correct client
    /// drops each one and keeps its transaction state.
    static let garbage: [[UInt8]] = [
        [0xFF, 0xDE, 0xAD],  // unknown opcode
        [0x1B, 0x06],  // notification cut inside its handle
        [0x1B, 0x06, 0x00, 0x16, 0x48, 0x00],  // 0x2A37 value with half an RR interval
        [0x1B, 0x99, 0x00, 0x16, 0x48],  // notification for a handle the strap does not have
        [0x01, 0x12],  // Error Response cut short
    ]

    private func pollSleep(seconds: Double) -> Bool {
        let deadline = MonotonicClock.seconds() + seconds
        while true {
            let remaining = deadline - MonotonicClock.seconds()
            if remaining <= 0 { return false }
            var entry = pollfd(fd: wake.descriptorForPolling, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, Int32((remaining * 1000).rounded(.up))) > 0 { return true }
        }
    }
}
