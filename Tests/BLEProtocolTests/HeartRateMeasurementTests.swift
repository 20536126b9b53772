// SPDX-License-Identifier: Apache-2.0
import Testing
@testable import BLEProtocol

@Suite struct HeartRateMeasurementTests {
    /// Builds the payload for a flags byte: HR 72 (uint8) or 328 (uint16), energy 0x1234 kJ,
    /// RR 1024 and 819 ticks, each field present exactly when its flag asks for it.
    static func payload(flags: UInt8) -> [UInt8] {
        var bytes: [UInt8] = [flags]
        bytes += flags & 0x01 != 0 ? [0x48, 0x01] : [0x48]
        if flags & 0x08 != 0 { bytes += [0x34, 0x12] }
        if flags & 0x10 != 0 { bytes += [0x00, 0x04, 0x33, 0x03] }
        return bytes
    }

    @Test(arguments: UInt8(0)..<32)
    func decodesEveryFlagCombination(flags: UInt8) throws {
        let measurement = try HeartRateMeasurement(decoding: Self.payload(flags: flags))
        #expect(measurement.heartRateBPM == (flags & 0x01 != 0 ? 328 : 72))
        let expectedContact: SensorContact =
            flags & 0x04 == 0 ? .notSupported : (flags & 0x02 != 0 ? .detected : .notDetected)
        #expect(measurement.contact == expectedContact)
        #expect(measurement.energyExpendedKilojoules == (flags & 0x08 != 0 ? 0x1234 : nil))
        #expect(measurement.rrIntervals1024 == (flags & 0x10 != 0 ? [1024, 819] : []))
        #expect(measurement.rrIntervalsMilliseconds == (flags & 0x10 != 0 ? [1000, 799.8046875] : []))
    }

    @Test(arguments: UInt8(0)..<32)
    func everyTruncationIsAClearError(flags: UInt8) {
        let full = Self.payload(flags: flags)
        for length in 0..<full.count {
            let prefix = Array(full.prefix(length))
            // Cutting only whole RR values leaves a valid, shorter list; anything else must throw.
            let rrStart = full.count - (flags & 0x10 != 0 ? 4 : 0)
            if flags & 0x10 != 0 && length >= rrStart && (length - rrStart) % 2 == 0 {
                #expect(throws: Never.self) { try HeartRateMeasurement(decoding: prefix) }
            } else {
                #expect(throws: HeartRateMeasurementError.self) { try HeartRateMeasurement(decoding: prefix) }
            }
        }
    }

    @Test(arguments: UInt8(0)..<32)
    func overLongPayloadsAreRejectedOrReadAsRR(flags: UInt8) throws {
        let full = Self.payload(flags: flags)
        if flags & 0x10 != 0 {
            #expect(throws: HeartRateMeasurementError.oddRRIntervalBytes(byteCount: 5)) {
                try HeartRateMeasurement(decoding: full + [0xAA])
            }
            // Two more bytes are one more RR value, which the spec allows.
            #expect(try HeartRateMeasurement(decoding: full + [0x00, 0x02]).rrIntervals1024 == [1024, 819, 512])
        } else {
            #expect(throws: HeartRateMeasurementError.trailingBytes(count: 3)) {
                try HeartRateMeasurement(decoding: full + [1, 2, 3])
            }
        }
    }

    struct Named: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var expected: Result<HeartRateMeasurement, HeartRateMeasurementError>
        var testDescription: String { name }
    }

    static let named: [Named] = [
        Named(name: "empty", bytes: [], expected: .failure(.empty)),
        Named(name: "flags only", bytes: [0x00], expected: .failure(.truncated(field: "Heart Rate (uint8)", byteCount: 1))),
        Named(name: "uint16 HR cut", bytes: [0x01, 0x48], expected: .failure(.truncated(field: "Heart Rate (uint16)", byteCount: 2))),
        Named(name: "energy cut", bytes: [0x08, 0x48, 0x01], expected: .failure(.truncated(field: "Energy Expended", byteCount: 3))),
        Named(
            name: "Polar H10 style, contact, two RR", bytes: hex("16 3C 1A 04 F0 03"),
            expected: .success(HeartRateMeasurement(heartRateBPM: 60, contact: .detected, rrIntervals1024: [1050, 1008]))),
        Named(
            name: "RR flag with no RR values", bytes: hex("16 50"),
            expected: .success(HeartRateMeasurement(heartRateBPM: 80, contact: .detected, hasRRIntervalField: true))),
        Named(
            name: "nine RR values (the default-MTU maximum)", bytes: hex("10 40") + Array(repeating: [0x00, 0x04], count: 9).flatMap { $0 },
            expected: .success(HeartRateMeasurement(heartRateBPM: 64, contact: .notSupported, rrIntervals1024: Array(repeating: 1024, count: 9)))),
        Named(
            name: "no contact with RR", bytes: hex("14 46 00 04"),
            expected: .success(HeartRateMeasurement(heartRateBPM: 70, contact: .notDetected, rrIntervals1024: [1024]))),
        Named(name: "odd RR byte", bytes: hex("10 46 00 04 01"), expected: .failure(.oddRRIntervalBytes(byteCount: 3))),
    ]

    @Test(arguments: named)
    func namedPayloads(_ row: Named) {
        switch row.expected {
        case .success(let expected):
            #expect((try? HeartRateMeasurement(decoding: row.bytes)) == expected)
        case .failure(let error):
            #expect(throws: error) { try HeartRateMeasurement(decoding: row.bytes) }
        }
    }

    @Test(arguments: UInt8(0)..<32)
    func encodingRoundTrips(flags: UInt8) throws {
        let measurement = try HeartRateMeasurement(decoding: Self.payload(flags: flags))
        // Contact "supported but not detected" keeps bit 1 clear, so only flags with a meaningful
        // bit 1 come back identical; compare decoded values, which is what the wire promises.
        #expect(try HeartRateMeasurement(decoding: measurement.encoded()) == measurement)
    }

    @Test func millisecondsAreExactForEveryTickValue() {
        // Exact: converting back recovers the integer with no rounding at all, for all 65 536 values.
        let inexact = (UInt16.min...UInt16.max).filter {
            HeartRateMeasurement.milliseconds(fromTicks1024: $0) * 1024 / 1000 != Double($0)
        }
        #expect(inexact.isEmpty)
        #expect(HeartRateMeasurement.milliseconds(fromTicks1024: 1) == 0.9765625)
    }
}
