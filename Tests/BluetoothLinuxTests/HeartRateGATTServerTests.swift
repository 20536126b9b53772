// SPDX-License-Identifier: Apache-2.0
import BLEProtocol
import Testing
@testable import PeripheralEmulator

/// The emulator's server against the real client, PDU by PDU, with no socket in between.
@Suite struct HeartRateGATTServerTests {
    /// Pumps client requests into the server until the client is subscribed; returns the profile
    /// and how many requests it took.
    static func discover(serverMTU: UInt16) -> (profile: HeartRateStrapProfile?, requests: Int, server: HeartRateGATTServer) {
        var server = HeartRateGATTServer(deviceName: "Strap 1", batteryPercent: 42, serverMTU: serverMTU)
        var client = GATTClient()
        var action = client.start()
        var requests = 0
        while requests < 50 {
            switch action {
            case .send(let request):
                requests += 1
                guard let response = server.respond(to: request) else { return (nil, requests, server) }
                action = client.receive(response)
            case .subscribed(let profile):
                return (profile, requests, server)
            default:
                return (nil, requests, server)
            }
        }
        return (nil, requests, server)
    }

    @Test(arguments: [UInt16(23), 185, 517])
    func theClientDiscoversAndSubscribesAtAnyMTU(serverMTU: UInt16) throws {
        let (profile, requests, server) = Self.discover(serverMTU: serverMTU)
        let found = try #require(profile)
        #expect(found.measurementHandle == HeartRateGATTServer.measurementHandle)
        #expect(found.configurationHandle == 0x0007)
        #expect(found.batteryPercent == 42)
        #expect(found.deviceName == "Strap 1")
        #expect(found.mtu == min(185, serverMTU))
        #expect(server.notificationsEnabled)
        // MTU, services (x2), characteristics (x2), descriptors, battery, name, CCCD write.
        #expect(requests == 9)
    }

    @Test func answersTheSpecErrors() {
        var server = HeartRateGATTServer(deviceName: "S", batteryPercent: 1)
        // Start handle 0 is an Invalid Handle (Core v5.3 Vol 3 Part F §3.4.3.1).
        #expect(server.respond(to: hex("04 00 00 FF FF")) == hex("01 04 00 00 01"))
        // Nothing past the last handle: Attribute Not Found at the start handle.
        #expect(server.respond(to: hex("10 0E 00 FF FF 00 28")) == hex("01 10 0E 00 0A"))
        // A grouping type other than Primary Service.
        #expect(server.respond(to: hex("10 01 00 FF FF 03 28")) == hex("01 10 01 00 10"))
        // The measurement is notify-only.
        #expect(server.respond(to: hex("0A 06 00")) == hex("01 0A 06 00 02"))
        // Writing the device name is not permitted; a CCCD needs exactly two bytes.
        #expect(server.respond(to: hex("12 03 00 41")) == hex("01 12 03 00 03"))
        #expect(server.respond(to: hex("12 07 00 01")) == hex("01 12 07 00 0D"))
        // An unknown request gets Request Not Supported; commands and garbage get nothing.
        #expect(server.respond(to: hex("20 01 00")) == hex("01 20 00 00 06"))
        #expect(server.respond(to: hex("52 07 00 01 00")) == nil)
        #expect(server.respond(to: hex("FF")) == nil)
        #expect(!server.notificationsEnabled)
    }
}

/// Bytes from hex text, as in the BLEProtocol byte scripts.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}
