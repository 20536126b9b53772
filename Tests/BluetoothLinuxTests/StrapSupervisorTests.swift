// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
import Foundation
import PeripheralEmulator
import Synchronization
import Testing
@testable import BluetoothLinux

/// The supervisor and the emulator on the two ends of real sockets: socketpairs, and a Unix
/// SEQPACKET listener, exactly the socket type an L2CAP ATT channel is.
@Suite(.timeLimit(.minutes(1)))
struct StrapSupervisorTests {
    /// What a run of the supervisor delivered.
    struct Received {
        var beats: [StrapBeat] = []
        var states: [StrapConnectionState] = []
        var counters = StrapCounters()
        var battery: Int?
        var name: String?
        /// CLOCK_MONOTONIC times at which the supervisor reached streaming, stamped at the source
        /// (the consumer may run late when the test pool is busy).
        var streamingTimes: [Double] = []
        var timeline: [(Double, StrapConnectionState)] = []
    }

    /// Consumes events until `done` says so, then stops the supervisor.
    static func collect(_ supervisor: StrapSupervisor, until done: (Received) -> Bool) async -> Received {
        var received = Received()
        for await event in supervisor.events() {
            switch event {
            case .measurement(let measurement): received.beats += measurement.beats
            case .state(let state, let counters):
                received.states.append(state)
                let at = supervisor.originSeconds + counters.atSeconds
                received.timeline.append((at, state))
                received.counters = counters
                if state == .streaming { received.streamingTimes.append(at) }
            case .batteryLevel(let percent): received.battery = percent
            case .deviceName(let name): received.name = name
            }
            if done(received) { break }
        }
        supervisor.stop()
        return received
    }

    /// A supervisor whose every connection is a fresh socketpair served by `emulator`.
    static func socketpairSupervisor(_ emulator: StrapEmulator, configuration: StrapSupervisorConfiguration = .init()) -> StrapSupervisor {
        StrapSupervisor(connector: emulator.makeConnector(), configuration: configuration)
    }

    @Test func wholeRecordingArrivesExactlyAcrossDropsAndGarbage() async throws {
        let milliseconds = try Recordings.milliseconds("polar_h10_slow_breathing_brennan")
        let playback = HeartRatePlayback(milliseconds: milliseconds)
        var configuration = StrapEmulatorConfiguration()
        configuration.speed = 400
        configuration.faults = try EmulatorFaults(parsing: "drop=60,garbage=7,contact-off=100+5")
        let emulator = StrapEmulator(playback: playback, configuration: configuration)
        let supervisor = Self.socketpairSupervisor(emulator)
        let received = await Self.collect(supervisor) { $0.beats.count >= milliseconds.count }

        // Every value, in order, to the 1/1024 s unit: none lost, none repeated.
        #expect(received.beats.map(\.ticks1024) == playback.ticks1024)
        #expect(received.beats.count == 620)
        // 600 s of recording with a drop every 60 s: 10 drops, 10 or 11 connections.
        let statistics = emulator.statistics
        #expect(statistics.drops == 10)
        #expect(received.counters.connections == statistics.drops + 1)
        // Every garbage PDU was discarded; the last may still be unread when the last beat arrives.
        #expect(received.counters.discardedPDUs >= statistics.garbagePDUs - 1)
        #expect(received.counters.discardedPDUs <= statistics.garbagePDUs)
        #expect(statistics.garbagePDUs >= 80)
        // contact-off=100+5 covers recording seconds 100...104: those beats, and only those, are flagged.
        let flagged = received.beats.filter { !$0.contact }.count
        #expect(flagged >= 4 && flagged <= 7)
        #expect(received.battery == 87)
        #expect(received.name == "Lull Emulated Strap")
    }

    @Test func reconnectsWithinFiveSecondsOfTheEmulatorAcceptingAgain() async throws {
        let path = Recordings.socketPath("reconnect")
        // 30 beats of 1 s; the link drops every 10 s and the listener is gone for 1.5 s each time.
        let playback = HeartRatePlayback(milliseconds: Array(repeating: 1000, count: 30))
        var configuration = StrapEmulatorConfiguration()
        configuration.speed = 20
        configuration.faults = try EmulatorFaults(parsing: "drop=10/1.5")
        let emulator = StrapEmulator(playback: playback, configuration: configuration)
        let acceptedAgain = Mutex<[Double]>([])
        DetachedThread.start {
            try? emulator.listen(path: path) { event in
                if event == "accepting again" { acceptedAgain.withLock { $0.append(MonotonicClock.seconds()) } }
            }
        }
        let supervisor = StrapSupervisor(target: .unix(path: path))
        let received = await Self.collect(supervisor) { $0.beats.count >= 30 }
        emulator.stop()

        #expect(received.beats.map(\.ticks1024) == playback.ticks1024)
        let accepted = acceptedAgain.withLock { $0 }
        #expect(accepted.count == 2)
        // Each re-accept is followed by streaming again within 5 s.
        for time in accepted {
            let back = try #require(received.streamingTimes.first { $0 > time })
            #expect(back - time < 5, "back after \(back - time) s; accepted at \(accepted); states \(received.timeline)")
        }
        #expect(received.states.contains { if case .reconnecting = $0 { true } else { false } })
    }

    @Test func aSilentStrapIsDroppedAndResumedWithoutLosingBeats() async throws {
        let playback = HeartRatePlayback(milliseconds: Array(repeating: 800, count: 20))
        var emulatorConfiguration = StrapEmulatorConfiguration()
        emulatorConfiguration.speed = 10
        emulatorConfiguration.faults = try EmulatorFaults(parsing: "stall=2@5")
        let emulator = StrapEmulator(playback: playback, configuration: emulatorConfiguration)
        var configuration = StrapSupervisorConfiguration()
        configuration.silenceTimeoutSeconds = 0.5
        let supervisor = Self.socketpairSupervisor(emulator, configuration: configuration)
        let received = await Self.collect(supervisor) { $0.beats.count >= 20 }

        #expect(received.beats.map(\.ticks1024) == playback.ticks1024)
        #expect(received.states.contains(.lost(reason: "no measurement for 0.5 s")))
        #expect(received.counters.connections >= 2)
    }

    @Test func atRealPaceBeatTimesAdvanceByExactlyTheirRR() async throws {
        // Real pace (one notification per second), so arrival times and the RR sum agree.
        let playback = HeartRatePlayback(milliseconds: [500, 750, 500, 1250, 600, 400])
        var configuration = StrapEmulatorConfiguration()
        configuration.speed = 1
        let emulator = StrapEmulator(playback: playback, configuration: configuration)
        let received = await Self.collect(Self.socketpairSupervisor(emulator)) { $0.beats.count >= 6 }
        let steps = zip(received.beats, received.beats.dropFirst()).map { $1.beatTimeSeconds - $0.beatTimeSeconds }
        let expected = received.beats.dropFirst().map { $0.milliseconds / 1000 }
        #expect(steps.count == 5)
        for (step, rr) in zip(steps, expected) { #expect(abs(step - rr) < 1e-9, "step \(step) s for RR \(rr) s") }
    }

    @Test func burstsDeliverEveryBeatInOrder() async throws {
        let playback = HeartRatePlayback(milliseconds: (0..<90).map { 700 + Double($0 % 7) * 37.5 })
        var configuration = StrapEmulatorConfiguration()
        configuration.speed = 100
        configuration.faults = try EmulatorFaults(parsing: "burst=5,garbage=3")
        let emulator = StrapEmulator(playback: playback, configuration: configuration)
        let received = await Self.collect(Self.socketpairSupervisor(emulator)) { $0.beats.count >= 90 }
        #expect(received.beats.map(\.ticks1024) == playback.ticks1024)
        #expect(emulator.statistics.bursts >= 10)
    }

    @Test func aPeerThatNeverAnswersHitsTheTransactionTimeout() async throws {
        // The far end is kept open and silent: the Exchange MTU Request is never answered.
        let silentPeers = Mutex<[SeqPacketSocket]>([])
        var configuration = StrapSupervisorConfiguration()
        configuration.transactionTimeoutSeconds = 0.3
        let supervisor = StrapSupervisor(
            connector: { _ throws(BluetoothLinuxError) in
                let (client, server) = try SeqPacketSocket.pair()
                silentPeers.withLock { $0.append(server) }
                return client
            }, configuration: configuration)
        let received = await Self.collect(supervisor) { $0.states.count >= 3 }
        #expect(received.states[1] == .lost(reason: "no ATT response within 0.3 s"))
        // The state is stamped when the timer fired: 0.3 s after connecting, give or take scheduling.
        let waited = received.timeline[1].0 - received.timeline[0].0
        #expect(waited >= 0.3 && waited < 2, "waited \(waited) s")
        // It read the request the client sent, byte for byte.
        let request = try silentPeers.withLock { try $0[0].receive() }
        #expect(request == [0x02, 0xB9, 0x00])
    }

    @Test func nobodyListeningIsRetriedNotFatal() async {
        let path = Recordings.socketPath("absent")
        let supervisor = StrapSupervisor(target: .unix(path: path))
        let received = await Self.collect(supervisor) { $0.states.count >= 4 }
        #expect(received.states[0] == .connecting(attempt: 1))
        #expect(received.states[1] == .lost(reason: "nothing is listening at unix:\(path)"))
        guard case .reconnecting(let attempt, let delay) = received.states[2] else {
            Issue.record("expected reconnecting, got \(received.states[2])")
            return
        }
        #expect(attempt == 2)
        #expect(delay >= 0.25 && delay <= 0.5)
    }

    @Test(.enabled(if: !BluetoothProbe.kernelHasBluetooth))
    func noBluetoothInTheKernelIsAPermanentClearFailure() async {
        let supervisor = StrapSupervisor(target: .address("AA:BB:CC:DD:EE:FF", adapter: "hci0"))
        let received = await Self.collect(supervisor) { _ in false }
        #expect(
            received.states == [
                .connecting(attempt: 1),
                .failed(reason: "Bluetooth is not available on this machine (address family not supported)"),
            ])
    }
}

enum BluetoothProbe {
    static var kernelHasBluetooth: Bool {
        let fd = socket(AF_BLUETOOTH, Int32(SOCK_SEQPACKET.rawValue), 0)
        if fd >= 0 { close(fd) }
        return fd >= 0
    }
}
