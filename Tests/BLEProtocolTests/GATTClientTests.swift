// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import BLEProtocol

/// Byte scripts in the manner of BlueZ unit/test-gatt.c: every PDU the client sends (`out`) and
/// every PDU the server answers (`in`), exact to the byte.
@Suite struct GATTClientTests {
    enum Step {
        case out(String)
        case `in`(String)
    }

    /// Runs a script and returns the action the last `in` produced.
    static func play(
        _ steps: [Step], client: inout GATTClient, restart: Bool = true, pending first: GATTClientAction = .none
    ) -> GATTClientAction {
        var pending = restart ? client.start() : first
        for step in steps {
            switch step {
            case .out(let bytes):
                #expect(pending == .send(hex(bytes)), "expected the client to send \(bytes)")
                pending = .none
            case .in(let bytes):
                #expect(pending == .none, "the client wanted to act before \(bytes) arrived: \(pending)")
                pending = client.receive(hex(bytes))
            }
        }
        return pending
    }

    /// Heart Rate first: HR 0x0001-0x0006 (measurement value 0x0003, CCCD 0x0004, Body Sensor
    /// Location 0x0005/0x0006), Battery 0x0007-0x000A. The server's MTU is 23.
    @Test func heartRateServiceFirst() {
        var client = GATTClient()
        let last = Self.play(
            [
                .out("02 B9 00"), .in("03 17 00"),
                .out("10 01 00 FF FF 00 28"), .in("11 06 01 00 06 00 0D 18 07 00 0A 00 0F 18"),
                .out("10 0B 00 FF FF 00 28"), .in("01 10 0B 00 0A"),
                .out("08 01 00 06 00 03 28"), .in("09 07 02 00 10 03 00 37 2A 05 00 02 06 00 38 2A"),
                .out("08 06 00 06 00 03 28"), .in("01 08 06 00 0A"),
                .out("04 04 00 04 00"), .in("05 01 04 00 02 29"),
                .out("08 07 00 0A 00 19 2A"), .in("09 03 09 00 57"),
                .out("12 04 00 01 00"), .in("13"),
            ], client: &client)
        #expect(
            last
                == .subscribed(
                    HeartRateStrapProfile(
                        mtu: 23, measurementHandle: 0x0003, configurationHandle: 0x0004, batteryPercent: 87,
                        deviceName: nil)))
        #expect(client.receive(hex("1B 03 00 16 48 00 04"))
            == .measurement(HeartRateMeasurement(heartRateBPM: 72, contact: .detected, rrIntervals1024: [1024])))
    }

    /// Heart Rate last (ending at 0xFFFF), after GAP and a 128-bit vendor service that arrives in
    /// its own response (records in one response share a length); the MTU exchange is refused;
    /// a User Description (0x2901) sits between the value and its CCCD.
    @Test func heartRateServiceLastMTURefusedCCCDNotNextToValue() {
        var client = GATTClient()
        let last = Self.play(
            [
                .out("02 B9 00"), .in("01 02 00 00 06"),
                .out("10 01 00 FF FF 00 28"), .in("11 06 01 00 03 00 00 18"),
                .out("10 04 00 FF FF 00 28"), .in("11 14 04 00 07 00 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF"),
                .out("10 08 00 FF FF 00 28"), .in("11 06 08 00 FF FF 0D 18"),
                .out("08 08 00 FF FF 03 28"), .in("09 07 09 00 10 0A 00 37 2A"),
                .out("08 0A 00 FF FF 03 28"), .in("01 08 0A 00 0A"),
                .out("04 0B 00 FF FF"), .in("05 01 0B 00 01 29"),
                .out("04 0C 00 FF FF"), .in("05 01 0C 00 02 29"),
                .out("08 01 00 03 00 00 2A"), .in("09 05 03 00 48 31 30"),
                .out("12 0C 00 01 00"), .in("13"),
            ], client: &client)
        #expect(
            last
                == .subscribed(
                    HeartRateStrapProfile(
                        mtu: 23, measurementHandle: 0x000A, configurationHandle: 0x000C, batteryPercent: nil,
                        deviceName: "H10")))
    }

    /// Heart Rate between GAP and Battery, measurement between Body Sensor Location and the
    /// Control Point, a larger server MTU (247, so 185 is agreed), a refused battery read, and a
    /// notification that arrives in the middle of discovery.
    @Test func heartRateServiceBetweenOthers() {
        var client = GATTClient()
        let last = Self.play(
            [
                .out("02 B9 00"), .in("03 F7 00"),
                .out("10 01 00 FF FF 00 28"),
                .in("11 06 01 00 05 00 00 18 10 00 17 00 0D 18 20 00 23 00 0F 18"),
                .out("10 24 00 FF FF 00 28"), .in("01 10 24 00 0A"),
                .out("08 10 00 17 00 03 28"),
                .in("09 07 11 00 02 12 00 38 2A 13 00 10 14 00 37 2A 16 00 08 17 00 39 2A"),
                // The last declaration is at 0x0016 < 0x0017, so the client asks once more.
                .out("08 17 00 17 00 03 28"), .in("01 08 17 00 0A"),
                .out("04 15 00 15 00"), .in("05 01 15 00 02 29"),
                .out("08 20 00 23 00 19 2A"), .in("01 08 20 00 02"),
                .out("08 01 00 05 00 00 2A"), .in("09 0C 03 00 54 49 43 4B 52 20 38 41 39 46"),
                .out("12 15 00 01 00"), .in("13"),
            ], client: &client)
        #expect(
            last
                == .subscribed(
                    HeartRateStrapProfile(
                        mtu: 185, measurementHandle: 0x0014, configurationHandle: 0x0015, batteryPercent: nil,
                        deviceName: "TICKR 8A9F")))
    }

    @Test func notificationDuringDiscoveryIsKeptWithoutDisturbingTheRequest() {
        var client = GATTClient()
        _ = Self.play(
            [
                .out("02 B9 00"), .in("03 17 00"),
                .out("10 01 00 FF FF 00 28"), .in("11 06 01 00 06 00 0D 18"),
                .out("10 07 00 FF FF 00 28"), .in("01 10 07 00 0A"),
                .out("08 01 00 06 00 03 28"), .in("09 07 02 00 10 03 00 37 2A"),
                .out("08 03 00 06 00 03 28"), .in("01 08 03 00 0A"),
                .out("04 04 00 06 00"),
            ], client: &client)
        // Not streaming yet: kept for after `.subscribed`, and the request is still outstanding.
        #expect(client.receive(hex("1B 03 00 06 41")) == .none)
        #expect(client.takeEarlyNotifications() == [])
        #expect(client.isAwaitingResponse)
        #expect(client.receive(hex("05 01 04 00 02 29")) == .send(hex("12 04 00 01 00")))
        guard case .subscribed = client.receive(hex("13")) else {
            Issue.record("not subscribed")
            return
        }
        #expect(client.takeEarlyNotifications() == [.measurement(HeartRateMeasurement(heartRateBPM: 65))])
        #expect(client.takeEarlyNotifications() == [])
    }

    /// A server that remembered this client's CCCD (BlueZ keeps it per device) notifies as soon
    /// as the link is up, before the MTU exchange is answered; and any server may notify between
    /// the CCCD Write Request and its Response. Every one is delivered after `.subscribed`, in the
    /// order it arrived; one for a handle that is not the measurement's is discarded with why.
    @Test func notificationsBeforeTheWriteResponseAreDeliveredInOrder() {
        var client = GATTClient()
        var pending = client.start()
        #expect(pending == .send(hex("02 B9 00")))
        #expect(client.receive(hex("1B 03 00 16 48 00 04")) == .none)
        #expect(client.receive(hex("1B 09 00 00 01")) == .none)
        pending = Self.play(
            [
                .out("02 B9 00"), .in("03 17 00"),
                .out("10 01 00 FF FF 00 28"), .in("11 06 01 00 04 00 0D 18"),
                .out("10 05 00 FF FF 00 28"), .in("01 10 05 00 0A"),
                .out("08 01 00 04 00 03 28"), .in("09 07 02 00 10 03 00 37 2A"),
                .out("08 03 00 04 00 03 28"), .in("01 08 03 00 0A"),
                .out("04 04 00 04 00"), .in("05 01 04 00 02 29"),
                .out("12 04 00 01 00"), .in("1B 03 00 16 4A 00 05"),
            ], client: &client, restart: false, pending: pending)
        #expect(pending == .none)
        #expect(client.receive(hex("13")) == .subscribed(
            HeartRateStrapProfile(mtu: 23, measurementHandle: 0x0003, configurationHandle: 0x0004, batteryPercent: nil, deviceName: nil)))
        #expect(
            client.takeEarlyNotifications() == [
                .measurement(HeartRateMeasurement(heartRateBPM: 72, rrIntervals1024: [1024])),
                .discarded("notification for handle 0x9"),
                .measurement(HeartRateMeasurement(heartRateBPM: 74, rrIntervals1024: [1280])),
            ])
        #expect(client.receive(hex("1B 03 00 16 4B 00 04")) == .measurement(HeartRateMeasurement(heartRateBPM: 75, rrIntervals1024: [1024])))
    }

    /// A Device Information service (0x180A, 0x0005-0x0007): its Serial Number String (0x2A25) is
    /// read after the name, before the CCCD write.
    @Test func theSerialNumberIsReadWhenTheStrapHasDeviceInformation() {
        var client = GATTClient()
        let last = Self.play(
            [
                .out("02 B9 00"), .in("03 17 00"),
                .out("10 01 00 FF FF 00 28"), .in("11 06 01 00 04 00 0D 18 05 00 07 00 0A 18"),
                .out("10 08 00 FF FF 00 28"), .in("01 10 08 00 0A"),
                .out("08 01 00 04 00 03 28"), .in("09 07 02 00 10 03 00 37 2A"),
                .out("08 03 00 04 00 03 28"), .in("01 08 03 00 0A"),
                .out("04 04 00 04 00"), .in("05 01 04 00 02 29"),
                .out("08 05 00 07 00 25 2A"), .in("09 0A 07 00 43 31 32 33 34 35 36 37"),
                .out("12 04 00 01 00"), .in("13"),
            ], client: &client)
        #expect(
            last
                == .subscribed(
                    HeartRateStrapProfile(
                        mtu: 23, measurementHandle: 0x0003, configurationHandle: 0x0004, batteryPercent: nil, deviceName: nil,
                        serialNumber: "C1234567")))
    }

    @Test func noHeartRateServiceFails() {
        var client = GATTClient()
        let last = Self.play(
            [
                .out("02 B9 00"), .in("03 17 00"),
                .out("10 01 00 FF FF 00 28"), .in("11 06 01 00 05 00 00 18"),
                .out("10 06 00 FF FF 00 28"), .in("01 10 06 00 0A"),
            ], client: &client)
        #expect(last == .fail(.heartRateServiceNotFound))
    }

    @Test func missingCCCDFails() {
        var client = GATTClient()
        let last = Self.play(
            [
                .out("02 B9 00"), .in("03 17 00"),
                .out("10 01 00 FF FF 00 28"), .in("11 06 01 00 04 00 0D 18"),
                .out("10 05 00 FF FF 00 28"), .in("01 10 05 00 0A"),
                .out("08 01 00 04 00 03 28"), .in("09 07 02 00 10 03 00 37 2A"),
                .out("08 03 00 04 00 03 28"), .in("01 08 03 00 0A"),
                .out("04 04 00 04 00"), .in("01 04 04 00 0A"),
            ], client: &client)
        #expect(last == .fail(.configurationDescriptorNotFound))
    }

    @Test func timeoutOnlyCountsWhileARequestIsOutstanding() {
        var client = GATTClient()
        #expect(client.transactionTimedOut() == .none)
        _ = client.start()
        #expect(client.isAwaitingResponse)
        #expect(client.transactionTimedOut() == .fail(.transactionTimeout))
        #expect(client.receive(hex("03 17 00")) == .none)
    }

    @Test func responseWithNothingOutstandingIsAProtocolError() {
        var client = GATTClient()
        _ = client.start()
        _ = client.receive(hex("03 17 00"))
        #expect(client.receive(hex("13")) == .fail(.unexpectedResponse(.writeResponse)))
    }

    @Test func truncatedResponseToTheOutstandingRequestFails() {
        var client = GATTClient()
        _ = client.start()
        #expect(client.receive(hex("03 17")) == .fail(.malformedResponse(.truncated(.exchangeMTUResponse, byteCount: 2))))
    }

    @Test func garbageIsDiscardedAndTheClientCarriesOn() {
        var client = GATTClient()
        _ = client.start()
        #expect(client.receive([]) == .discarded("undecodable PDU (empty)"))
        if case .discarded = client.receive(hex("FF 01 02")) {} else { Issue.record("unknown opcode not discarded") }
        if case .discarded = client.receive(hex("1B 03")) {} else { Issue.record("truncated notification not discarded") }
        #expect(client.receive(hex("03 17 00")) == .send(hex("10 01 00 FF FF 00 28")))
    }

    @Test func serverRequestsAreAnswered() {
        var client = GATTClient()
        _ = client.start()
        #expect(client.receive(hex("02 40 00")) == .send(hex("03 B9 00")))
        #expect(client.receive(hex("0A 03 00")) == .send(hex("01 0A 00 00 06")))
        #expect(client.receive(hex("1D 09 00 50")) == .send(hex("1E")))
        // The MTU request is still the one outstanding.
        #expect(client.receive(hex("03 17 00")) == .send(hex("10 01 00 FF FF 00 28")))
    }
}
