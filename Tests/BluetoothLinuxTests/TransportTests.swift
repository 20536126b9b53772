// SPDX-License-Identifier: Apache-2.0
import Glibc
import Testing
@testable import BluetoothLinux

@Suite struct BluetoothAddressTests {
    @Test(arguments: [
        ("A0:9E:1A:12:34:56", BluetoothAddress.Kind.public),
        ("C4:9E:1A:12:34:56", .random),
        ("a0:9e:1a:12:34:56/random", .random),
        ("F4:9E:1A:12:34:56/public", .public),
    ])
    func parsesAndInfersTheAddressType(text: String, kind: BluetoothAddress.Kind) throws {
        let address = try BluetoothAddress(parsing: text)
        #expect(address.kind == kind)
        #expect(address.description == String(text.prefix(17)).uppercased())
    }

    @Test(arguments: ["", "AA:BB:CC:DD:EE", "AA:BB:CC:DD:EE:FF:00", "AA:BB:CC:DD:EE:GG", "AAB:B:CC:DD:EE:FF", "AA:BB:CC:DD:EE:FF/other"])
    func rejectsMalformedAddresses(text: String) {
        #expect(throws: BluetoothLinuxError.invalidAddress(text)) { try BluetoothAddress(parsing: text) }
    }
}

@Suite struct StrapTargetTests {
    @Test func parsesTheThreeForms() throws {
        #expect(try StrapTarget(parsing: "auto", adapter: "hci1") == .auto(adapter: "hci1"))
        #expect(try StrapTarget(parsing: "unix:/run/lull/s.sock", adapter: "hci0") == .unix(path: "/run/lull/s.sock"))
        #expect(try StrapTarget(parsing: "AA:BB:CC:DD:EE:FF", adapter: "hci0") == .address("AA:BB:CC:DD:EE:FF", adapter: "hci0"))
        #expect(throws: BluetoothLinuxError.invalidAddress("unix:")) { try StrapTarget(parsing: "unix:", adapter: "hci0") }
    }

    @Test func anythingNotAddressLikeIsANamePattern() throws {
        #expect(try StrapTarget(parsing: "Polar H10*", adapter: "hci0") == .name("Polar H10*", adapter: "hci0"))
        #expect(try StrapTarget(parsing: "name:AA:BB", adapter: "hci0") == .name("AA:BB", adapter: "hci0"))
        #expect(try StrapTarget(parsing: "TICKR", adapter: "hci1") == .name("TICKR", adapter: "hci1"))
        // Hex digits and colons are an address, so a typo in one is an error, not a name search.
        #expect(throws: BluetoothLinuxError.invalidAddress("AA:BB:CC:DD:EE")) { try StrapTarget(parsing: "AA:BB:CC:DD:EE", adapter: "hci0") }
        #expect(throws: BluetoothLinuxError.invalidAddress("")) { try StrapTarget(parsing: "", adapter: "hci0") }
        #expect(throws: BluetoothLinuxError.invalidAddress("name:")) { try StrapTarget(parsing: "name:", adapter: "hci0") }
    }

    @Test func namePatternsAreCaseInsensitiveGlobsOrSubstrings() {
        #expect(StrapNamePattern("polar h10*").matches("Polar H10 0A1B2C3D"))
        #expect(!StrapNamePattern("Polar H10*").matches("Polar H9 0A1B2C3D"))
        #expect(StrapNamePattern("H10").matches("Polar H10 0A1B2C3D"))
        #expect(StrapNamePattern("TICKR ????").matches("TICKR 8A9F"))
        #expect(!StrapNamePattern("TICKR ????").matches("TICKR X 8A9F"))
        #expect(!StrapNamePattern("H10").matches(nil))
    }
}

@Suite struct ReconnectBackoffTests {
    @Test func doublesFromAQuarterSecondUpToTheCapWithEqualJitter() {
        let backoff = ReconnectBackoff()
        #expect((1...7).map { backoff.delaySeconds(attempt: $0, unitRandom: 0) } == [0.125, 0.25, 0.5, 1, 1.5, 1.5, 1.5])
        #expect((1...7).map { backoff.delaySeconds(attempt: $0, unitRandom: 1) } == [0.25, 0.5, 1, 2, 3, 3, 3])
        #expect(backoff.delaySeconds(attempt: 1_000_000, unitRandom: 0.5) == 2.25)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct SeqPacketSocketTests {
    @Test func oneSendIsOneReceiveAndCloseIsEndOfStream() throws {
        let (a, b) = try SeqPacketSocket.pair()
        try a.send([0x1B, 0x06, 0x00, 0x16])
        try a.send([0x03, 0x17, 0x00])
        #expect(try b.receive() == [0x1B, 0x06, 0x00, 0x16])
        #expect(try b.receive() == [0x03, 0x17, 0x00])
        a.close()
        #expect(try b.receive() == nil)
        #expect(throws: BluetoothLinuxError.linkClosed) { try b.send([0x01]) }
    }

    @Test func connectingToNobodyIsPeerUnavailable() {
        let path = Recordings.socketPath("nobody")
        #expect(throws: BluetoothLinuxError.peerUnavailable("unix:\(path)")) { try SeqPacketSocket.connectUnix(path: path) }
    }
}

@Suite struct HCIScannerTests {
    @Test func readsHeartRateAdvertisersFromAnLEAdvertisingReport() {
        // HCI event packet: 04 3E len 02 (LE Advertising Report), 2 reports.
        let packet = hex(
            "04 3E 29 02 02"
                // report 1: ADV_IND, random, address 56:34:12:1A:9E:C4 on air LSB first, HR service + name "H10", RSSI -60
                + "00 01 56 34 12 1A 9E C4 0C 02 01 06 03 03 0D 18 04 09 48 31 30 C4"
                // report 2: a keyboard without 0x180D, RSSI -40
                + "00 00 01 02 03 04 05 06 07 03 03 12 18 02 01 06 D8")
        var sightings = StrapSightings()
        for report in HCIScanner.advertisingReports(packet) { sightings.add(address: report.address, data: report.data, rssiDBm: report.rssiDBm) }
        let straps = sightings.straps
        #expect(straps.count == 1)
        #expect(straps.first?.address.description == "C4:9E:1A:12:34:56")
        #expect(straps.first?.address.kind == .random)
        #expect(straps.first?.name == "H10")
        #expect(straps.first?.rssiDBm == -60)
    }

    /// The advertisement lists 0x180D without a name; the scan response (event type 0x04) names
    /// the strap without the UUID, as bluetoothd's own advertising and many straps split them.
    @Test func aNameFromTheScanResponseJoinsItsAdvertisement() {
        let advertisement = hex("04 3E 13 02 01 00 01 56 34 12 1A 9E C4 07 02 01 06 03 03 0D 18 C0")
        let scanResponse = hex("04 3E 15 02 01 04 01 56 34 12 1A 9E C4 09 08 09 50 6F 6C 61 72 20 48 BE")
        var sightings = StrapSightings()
        // Either order: a scan response may be seen before an advertisement of the same device.
        for packet in [scanResponse, advertisement] {
            for report in HCIScanner.advertisingReports(packet) { sightings.add(address: report.address, data: report.data, rssiDBm: report.rssiDBm) }
        }
        #expect(sightings.straps == [DiscoveredStrap(address: BluetoothAddress(octets: [0xC4, 0x9E, 0x1A, 0x12, 0x34, 0x56], kind: .random), name: "Polar H", rssiDBm: -64)])
    }
}

/// Only with a strap on the desk: LULL_STRAP_ADDRESS=AA:BB:CC:DD:EE:FF swift test --filter RealStrap
@Suite(.enabled(if: Environment.strapAddress != nil), .timeLimit(.minutes(1)))
struct RealStrapTests {
    @Test func aRealStrapStreamsBeats() async throws {
        let address = try #require(Environment.strapAddress)
        let supervisor = StrapSupervisor(target: .address(address, adapter: Environment.adapter))
        var beats = 0
        for await event in supervisor.events() {
            if case .measurement(let m) = event { beats += m.beats.count }
            if case .state(.failed(let reason), _) = event { Issue.record("\(reason)") }
            if beats >= 10 { break }
        }
        supervisor.stop()
        #expect(beats >= 10)
    }
}

enum Environment {
    static var strapAddress: String? { getenvString("LULL_STRAP_ADDRESS") }
    static var adapter: String { getenvString("LULL_STRAP_ADAPTER") ?? "hci0" }
    private static func getenvString(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let string = String(cString: value)
        return string.isEmpty ? nil : string
    }
}

@Suite struct BluetoothLinuxErrorTests {
    @Test(arguments: [
        (BluetoothLinuxError.fromErrno("socket", EAFNOSUPPORT), "Bluetooth is not available on this machine (address family not supported)", true),
        (.adapterNotFound("hci3"), "adapter hci3 not found", false),
        (.adapterDown("hci0"), "adapter hci0 is down (try: bluetoothctl power on)", false),
        (.permissionDenied("scanning on hci0"), "scanning on hci0: permission denied (scanning needs CAP_NET_RAW)", true),
        (.fromErrno("connect(AA:BB:CC:DD:EE:FF)", EHOSTUNREACH), "connect(AA:BB:CC:DD:EE:FF) failed: No route to host (errno 113)", false),
        (.connectTimedOut("AA:BB:CC:DD:EE:FF"), "no connection to AA:BB:CC:DD:EE:FF within the timeout", false),
    ])
    func kernelErrorsReadAsOneActionableLine(error: BluetoothLinuxError, message: String, permanent: Bool) {
        #expect(error.description == message)
        #expect(error.isPermanent == permanent)
        #expect(!error.description.contains("\n"))
    }
}
