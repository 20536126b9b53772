// SPDX-License-Identifier: Apache-2.0

/// The Sensor Contact Status bits of a Heart Rate Measurement.
///
/// Heart Rate Service 1.0 §3.1.1.2 and GATT Specification Supplement §3.113: bit 2 says the strap
/// supports contact detection, bit 1 says it detects skin contact now. Bit 1 means nothing when
/// bit 2 is clear.
public enum SensorContact: String, Hashable, Sendable {
    /// The strap cannot tell; its beats are taken as measured with contact.
    case notSupported = "not_supported"
    /// The strap says it has no skin contact: its RR values are not clean beats.
    case notDetected = "not_detected"
    /// Skin contact confirmed.
    case detected

    /// False only when the strap positively reports no contact.
    public var beatsAreTrustworthy: Bool { self != .notDetected }
}

/// Why a Heart Rate Measurement (0x2A37) value could not be decoded.
public enum HeartRateMeasurementError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No Flags octet.
    case empty
    /// The Flags promise a field the payload is too short for.
    case truncated(field: String, byteCount: Int)
    /// An odd number of RR bytes: the last RR-Interval is cut in half.
    case oddRRIntervalBytes(byteCount: Int)
    /// Bytes after the last field the Flags announce.
    case trailingBytes(count: Int)

    public var description: String {
        switch self {
        case .empty: "empty Heart Rate Measurement"
        case .truncated(let field, let count): "Heart Rate Measurement of \(count) bytes ends inside \(field)"
        case .oddRRIntervalBytes(let count): "Heart Rate Measurement has \(count) RR bytes, not a whole number of uint16"
        case .trailingBytes(let count): "Heart Rate Measurement has \(count) bytes after its last field"
        }
    }
}

/// One Heart Rate Measurement characteristic value (UUID 0x2A37).
///
/// Layout (Heart Rate Service 1.0 §3.1.1; GATT Specification Supplement §3.113.2): Flags (uint8),
/// Heart Rate Measurement Value (uint8, or uint16 when flag bit 0 is set), Energy Expended
/// (uint16 kJ, when bit 3), then RR-Interval values (uint16, 1/1024 s each, when bit 4), as many
/// as fill the rest of the value: 0 to 9 at the default ATT MTU.
public struct HeartRateMeasurement: Hashable, Sendable {
    /// Heart rate in beats per minute, as the strap computed it.
    public var heartRateBPM: UInt16
    public var contact: SensorContact
    /// Cumulative energy expended since the strap's last reset, in kilojoules; nil when absent.
    public var energyExpendedKilojoules: UInt16?
    /// RR intervals in the spec's unit, 1/1024 s, oldest first, exactly as received.
    public var rrIntervals1024: [UInt16]
    /// Whether the strap sent the RR-Interval field at all (it may be present and empty).
    public var hasRRIntervalField: Bool
    /// Whether the heart rate was sent as uint16 (flag bit 0).
    public var usesUInt16HeartRate: Bool

    public init(
        heartRateBPM: UInt16, contact: SensorContact = .detected, energyExpendedKilojoules: UInt16? = nil,
        rrIntervals1024: [UInt16] = [], hasRRIntervalField: Bool? = nil, usesUInt16HeartRate: Bool? = nil
    ) {
        self.heartRateBPM = heartRateBPM
        self.contact = contact
        self.energyExpendedKilojoules = energyExpendedKilojoules
        self.rrIntervals1024 = rrIntervals1024
        self.hasRRIntervalField = hasRRIntervalField ?? !rrIntervals1024.isEmpty
        self.usesUInt16HeartRate = usesUInt16HeartRate ?? (heartRateBPM > 0xFF)
    }

    /// The RR intervals in milliseconds.
    ///
    /// `ticks * 1000 / 1024` is exact in binary floating point (1000/1024 = 0.9765625 = 125/128),
    /// so the conversion adds no rounding, and no bias, to the value the strap measured.
    public var rrIntervalsMilliseconds: [Double] { rrIntervals1024.map(Self.milliseconds(fromTicks1024:)) }

    /// Exact conversion of one RR value from 1/1024 s to milliseconds.
    public static func milliseconds(fromTicks1024 ticks: UInt16) -> Double { Double(ticks) * 1000 / 1024 }

    /// Decodes a characteristic value, checking every length the Flags imply.
    public init(decoding bytes: [UInt8]) throws(HeartRateMeasurementError) {
        var reader = ByteReader(bytes)
        guard let flags = reader.uint8() else { throw .empty }
        usesUInt16HeartRate = flags & 0x01 != 0
        if usesUInt16HeartRate {
            guard let value = reader.uint16() else { throw .truncated(field: "Heart Rate (uint16)", byteCount: bytes.count) }
            heartRateBPM = value
        } else {
            guard let value = reader.uint8() else { throw .truncated(field: "Heart Rate (uint8)", byteCount: bytes.count) }
            heartRateBPM = UInt16(value)
        }
        switch (flags & 0x04 != 0, flags & 0x02 != 0) {
        case (false, _): contact = .notSupported
        case (true, false): contact = .notDetected
        case (true, true): contact = .detected
        }
        if flags & 0x08 != 0 {
            guard let energy = reader.uint16() else {
                throw .truncated(field: "Energy Expended", byteCount: bytes.count)
            }
            energyExpendedKilojoules = energy
        } else {
            energyExpendedKilojoules = nil
        }
        hasRRIntervalField = flags & 0x10 != 0
        rrIntervals1024 = []
        if hasRRIntervalField {
            guard reader.remainingCount % 2 == 0 else { throw .oddRRIntervalBytes(byteCount: reader.remainingCount) }
            while let rr = reader.uint16() { rrIntervals1024.append(rr) }
        } else if reader.remainingCount > 0 {
            throw .trailingBytes(count: reader.remainingCount)
        }
    }

    /// The characteristic value's bytes; what the emulator notifies.
    public func encoded() -> [UInt8] {
        var flags: UInt8 = 0
        if usesUInt16HeartRate || heartRateBPM > 0xFF { flags |= 0x01 }
        switch contact {
        case .notSupported: break
        case .notDetected: flags |= 0x04
        case .detected: flags |= 0x06
        }
        if energyExpendedKilojoules != nil { flags |= 0x08 }
        if hasRRIntervalField || !rrIntervals1024.isEmpty { flags |= 0x10 }
        var bytes: [UInt8] = [flags]
        if flags & 0x01 != 0 { bytes.appendLittleEndian(heartRateBPM) } else { bytes.append(UInt8(heartRateBPM)) }
        if let energyExpendedKilojoules { bytes.appendLittleEndian(energyExpendedKilojoules) }
        for rr in rrIntervals1024 { bytes.appendLittleEndian(rr) }
        return bytes
    }
}
