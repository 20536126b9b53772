// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
import Testing
@testable import PeripheralEmulator

@Suite struct EmulatorFaultsTests {
    @Test func parsesEveryFault() throws {
        let faults = try EmulatorFaults(parsing: "drop=60/2.5, stall=8@120,garbage=7,contact-off=100+20,burst=30")
        #expect(faults.dropEverySeconds == 60)
        #expect(faults.downWallSeconds == 2.5)
        #expect(faults.stalls.map(\.atSecond) == [120])
        #expect(faults.stalls.map(\.wallSeconds) == [8])
        #expect(faults.garbageEverySeconds == 7)
        #expect(faults.contactOff == [100...119])
        #expect(faults.burstEverySeconds == 30)
    }

    @Test(arguments: [
        ("drop", "--faults item 'drop': expected NAME=VALUE (drop, stall, garbage, contact-off, burst)"),
        ("drop=0", "--faults item 'drop=0': '0' is not a positive whole number of seconds"),
        ("stall=5", "--faults item 'stall=5': expected stall=D@T"),
        ("contact-off=10", "--faults item 'contact-off=10': expected contact-off=T+D"),
        ("drop=60/x", "--faults item 'drop=60/x': 'x' is not a number of seconds"),
        ("flood=3", "--faults item 'flood=3': unknown fault 'flood' (drop, stall, garbage, contact-off, burst)"),
    ])
    func rejectsBadItemsNamingThem(spec: String, message: String) {
        #expect(throws: EmulatorFaults.ParseError.self) { try EmulatorFaults(parsing: spec) }
        do {
            _ = try EmulatorFaults(parsing: spec)
        } catch {
            #expect(error.description == message)
        }
    }
}

@Suite struct HeartRatePlaybackTests {
    @Test func notificationsCarryTheBeatsThatEndedInEachSecond() {
        // Beats end at 0.6, 1.2, 1.8, 2.4, 4.9 s (in 1/1024 s: 614, 1229, ...).
        var playback = HeartRatePlayback(milliseconds: [600, 600, 600, 600, 2500])
        #expect(playback.ticks1024 == [614, 614, 614, 614, 2560])
        var perSecond: [[UInt16]] = []
        while let measurement = playback.next(contact: .detected) { perSecond.append(measurement.rrIntervals1024) }
        #expect(perSecond == [[614], [614, 614], [614], [], [2560]])
        #expect(playback.isFinished)
    }

    @Test func energyRidesOnEveryTenthNotification() {
        var playback = HeartRatePlayback(milliseconds: Array(repeating: 1000, count: 30))
        var energySeconds: [Int] = []
        while let measurement = playback.next(contact: .detected) {
            if measurement.energyExpendedKilojoules != nil { energySeconds.append(playback.second) }
        }
        #expect(energySeconds == [10, 20, 30])
    }

    @Test func beatsThatDoNotFitWaitForTheNextNotification() {
        // 20 beats of 100 ms in the first two seconds, at most 8 per notification.
        var playback = HeartRatePlayback(milliseconds: Array(repeating: 100, count: 20))
        var counts: [Int] = []
        while let measurement = playback.next(contact: .detected, maximumRR: 8) { counts.append(measurement.rrIntervals1024.count) }
        #expect(counts == [8, 8, 4])
    }

    @Test func convertsMillisecondsToTheNearestTickAndClampsGaps() {
        #expect(HeartRatePlayback.ticks(fromMilliseconds: 1000) == 1024)
        #expect(HeartRatePlayback.ticks(fromMilliseconds: 799.8046875) == 819)
        #expect(HeartRatePlayback.ticks(fromMilliseconds: 70_000) == 65535)
    }
}
