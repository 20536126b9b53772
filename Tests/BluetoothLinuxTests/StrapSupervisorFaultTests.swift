// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
import Dispatch
import Foundation
import PeripheralEmulator
import Synchronization
import Testing
@testable import BluetoothLinux

/// The faults seen against the kernel's Bluetooth and BlueZ, replayed over socketpairs: a link
/// closed during setup, an adapter that is missing for a while, a strap that never answers ATT,
/// and notifications that arrive before the CCCD write is answered.
@Suite(.timeLimit(.minutes(1)))
struct StrapSupervisorFaultTests {
    /// Serves one byte script on the far end of a socketpair: `out` is what the supervisor must
    /// send (read and compared), `in` what the peer sends back; the link is closed at the end.
    static func scriptedPeer(_ steps: [(out: String?, in: [String])], holdOpen: Bool = false) throws(BluetoothLinuxError)
        -> SeqPacketSocket
    {
        let (client, server) = try SeqPacketSocket.pair()
        DetachedThread.start {
            for step in steps {
                if let expected = step.out {
                    guard let received = try? server.receive(), received == hex(expected) else { break }
                }
                for pdu in step.in { try? server.send(hex(pdu)) }
            }
            // Held open: whatever the client sends next goes unanswered until it closes its end.
            if holdOpen { while (try? server.receive()) != nil {} }
            server.close()
        }
        return client
    }

    /// The whole Heart Rate discovery of a minimal strap (HR 0x0001-0x0004, measurement 0x0003,
    /// CCCD 0x0004), as `GATTClientTests` plays it.
    static let discovery: [(out: String?, in: [String])] = [
        ("02 B9 00", ["03 17 00"]),
        ("10 01 00 FF FF 00 28", ["11 06 01 00 04 00 0D 18"]),
        ("10 05 00 FF FF 00 28", ["01 10 05 00 0A"]),
        ("08 01 00 04 00 03 28", ["09 07 02 00 10 03 00 37 2A"]),
        ("08 03 00 04 00 03 28", ["01 08 03 00 0A"]),
        ("04 04 00 04 00", ["05 01 04 00 02 29"]),
    ]

    /// The link closes right after the MTU request, three times; the fourth link streams. Each
    /// loss is followed by a reconnect, and the stream carries on to the beats.
    @Test func aLinkClosedDuringSetupIsRetried() async throws {
        let attempts = Mutex(0)
        let playback = HeartRatePlayback(milliseconds: [800, 810, 820])
        let emulator = StrapEmulator(
            playback: playback,
            configuration: { var c = StrapEmulatorConfiguration(); c.speed = 50; return c }())
        let emulated = emulator.makeConnector()
        var configuration = StrapSupervisorConfiguration()
        configuration.backoff = ReconnectBackoff(baseSeconds: 0.01, capSeconds: 0.02)
        let supervisor = StrapSupervisor(
            connector: { wake throws(BluetoothLinuxError) in
                let attempt = attempts.withLock { $0 += 1; return $0 }
                if attempt <= 3 { return try Self.scriptedPeer([("02 B9 00", [])]) }
                return try emulated(wake)
            }, configuration: configuration)
        let received = await StrapSupervisorTests.collect(supervisor) { $0.beats.count >= 3 }
        #expect(received.beats.map(\.ticks1024) == playback.ticks1024)
        #expect(received.states.filter { $0 == .lost(reason: "the strap closed the link") }.count == 3)
        #expect(received.states.filter { if case .reconnecting = $0 { true } else { false } }.count == 3)
        #expect(received.counters.connections == 1)
    }

    /// `stop()` ends the stream at once even when the connection thread is stuck in a call that
    /// ignores the wake signal (a connect or close the kernel does not return from).
    @Test func stopEndsTheStreamWhileTheConnectorIsStuck() async throws {
        let release = DispatchSemaphore(value: 0)
        let attempts = Mutex(0)
        var configuration = StrapSupervisorConfiguration()
        configuration.backoff = ReconnectBackoff(baseSeconds: 0.01, capSeconds: 0.02)
        let supervisor = StrapSupervisor(
            connector: { _ throws(BluetoothLinuxError) in
                let attempt = attempts.withLock { $0 += 1; return $0 }
                if attempt == 1 { return try Self.scriptedPeer([("02 B9 00", [])]) }
                release.wait()
                throw .linkClosed
            }, configuration: configuration)
        var states: [StrapConnectionState] = []
        for await event in supervisor.events() {
            guard case .state(let state, _) = event else { continue }
            states.append(state)
            // The second connect is now blocked for good: stop from the consumer's side.
            if state == .connecting(attempt: 2) { supervisor.stop() }
        }
        release.signal()
        #expect(states.count == 4)
        #expect(states.first == .connecting(attempt: 1))
        #expect(states.dropFirst().first == .lost(reason: "the strap closed the link"))
        #expect(states.last == .connecting(attempt: 2))
    }

    /// Issue 14's fault 2: the adapter is missing, then down, then back. Both are retried with
    /// backoff, not a permanent failure, and the strap streams once the adapter is up.
    @Test func aMissingOrDownAdapterIsWaitedFor() async throws {
        let attempts = Mutex(0)
        let emulator = StrapEmulator(
            playback: HeartRatePlayback(milliseconds: [900, 900]),
            configuration: { var c = StrapEmulatorConfiguration(); c.speed = 50; return c }())
        let emulated = emulator.makeConnector()
        var configuration = StrapSupervisorConfiguration()
        configuration.backoff = ReconnectBackoff(baseSeconds: 0.01, capSeconds: 0.02)
        let supervisor = StrapSupervisor(
            connector: { wake throws(BluetoothLinuxError) in
                switch attempts.withLock({ $0 += 1; return $0 }) {
                case 1, 2: throw .adapterNotFound("hci0")
                case 3: throw .adapterDown("hci0")
                default: return try emulated(wake)
                }
            }, configuration: configuration)
        let received = await StrapSupervisorTests.collect(supervisor) { $0.beats.count >= 2 }
        #expect(received.beats.count == 2)
        #expect(received.states.filter { $0 == .lost(reason: "adapter hci0 not found") }.count == 2)
        #expect(received.states.contains(.lost(reason: "adapter hci0 is down (try: bluetoothctl power on)")))
        #expect(!received.states.contains { if case .failed = $0 { true } else { false } })
        #expect(received.states.contains(.connecting(attempt: 4)))
    }

    /// A strap that answers the MTU exchange and then nothing: setup is cut at its limit, well
    /// before the 30 s ATT transaction timeout.
    @Test func setupIsBoundedWhenTheStrapStopsAnswering() async throws {
        var configuration = StrapSupervisorConfiguration()
        configuration.setupTimeoutSeconds = 0.3
        let supervisor = StrapSupervisor(
            connector: { _ throws(BluetoothLinuxError) in try Self.scriptedPeer([("02 B9 00", ["03 17 00"])], holdOpen: true) },
            configuration: configuration)
        let received = await StrapSupervisorTests.collect(supervisor) { $0.states.count >= 3 }
        #expect(received.states[1] == .lost(reason: "setup not done within 0.3 s of connecting"))
        let waited = received.timeline[1].0 - received.timeline[0].0
        #expect(waited >= 0.3 && waited < 5, "waited \(waited) s")
    }

    /// Notifications before the MTU exchange is answered (a peripheral that remembered the CCCD)
    /// and between the CCCD write and its response are delivered, in order, none discarded.
    @Test func notificationsBeforeTheWriteResponseAreDelivered() async throws {
        var steps = Self.discovery
        steps[0].in = ["1B 03 00 10 48 00 04", "03 17 00"]
        steps.append(("12 04 00 01 00", ["1B 03 00 10 48 00 05", "13", "1B 03 00 10 48 00 06"]))
        let script = steps
        let supervisor = StrapSupervisor(connector: { _ throws(BluetoothLinuxError) in try Self.scriptedPeer(script, holdOpen: true) })
        let received = await StrapSupervisorTests.collect(supervisor) { $0.beats.count >= 3 }
        #expect(received.beats.map(\.ticks1024) == [1024, 1280, 1536])
        #expect(received.counters.discardedPDUs == 0)
    }

    @Test func closedReasonsNameTheKernelsErrno() {
        #expect(StrapSupervisor.closedReason(0) == "the strap closed the link")
        #expect(StrapSupervisor.closedReason(ETIMEDOUT) == "the strap closed the link (supervision timeout: out of range or switched off)")
        #expect(StrapSupervisor.closedReason(ECONNRESET) == "the strap closed the link (terminated by the strap)")
    }
}
