// SPDX-License-Identifier: Apache-2.0

/// What the driver must do after feeding the client a PDU.
public enum GATTClientAction: Equatable, Sendable {
    /// Write this PDU to the ATT channel.
    case send([UInt8])
    /// Discovery and the CCCD write are done: notifications are on.
    case subscribed(HeartRateStrapProfile)
    /// A Heart Rate Measurement notification, decoded.
    case measurement(HeartRateMeasurement)
    /// A PDU that was dropped, with why (garbage, a truncated notification, an unknown handle).
    case discarded(String)
    /// The link cannot be used further: close it and, if the error is not permanent, reconnect.
    case fail(GATTClientError)
    /// Nothing to do.
    case none
}

/// Why the GATT client gave up on a connection.
public enum GATTClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No Heart Rate service (0x180D) among the primary services.
    case heartRateServiceNotFound
    /// The Heart Rate service has no notifiable Heart Rate Measurement characteristic (0x2A37).
    case heartRateMeasurementNotFound
    /// The Heart Rate Measurement characteristic has no Client Characteristic Configuration descriptor.
    case configurationDescriptorNotFound
    /// The server answered a request with an ATT Error Response the procedure cannot continue past.
    case errorResponse(request: ATTOpcode, handle: UInt16, error: ATTErrorCode)
    /// A response that does not answer the outstanding request, or one that arrived when none was outstanding.
    case unexpectedResponse(ATTOpcode)
    /// A response to the outstanding request that cannot be decoded.
    case malformedResponse(ATTDecodingError)
    /// No response within 30 s (Core v5.3 Vol 3 Part F §3.3.3): the bearer is dead for ATT.
    case transactionTimeout

    public var description: String {
        switch self {
        case .heartRateServiceNotFound: "the device has no Heart Rate service"
        case .heartRateMeasurementNotFound: "the Heart Rate service has no notifiable Heart Rate Measurement"
        case .configurationDescriptorNotFound: "the Heart Rate Measurement has no configuration descriptor"
        case .errorResponse(let request, let handle, let error):
            "ATT error \(error) for request \(request) on handle 0x\(String(handle, radix: 16))"
        case .unexpectedResponse(let opcode): "unexpected ATT response \(opcode)"
        case .malformedResponse(let error): "malformed ATT response (\(error))"
        case .transactionTimeout: "no ATT response within 30 s"
        }
    }
}

/// What discovery found, handed over with `.subscribed`.
public struct HeartRateStrapProfile: Equatable, Sendable {
    /// The ATT MTU both sides agreed on (23 when the exchange was refused).
    public var mtu: UInt16
    /// Value handle of the Heart Rate Measurement characteristic (where notifications come from).
    public var measurementHandle: UInt16
    /// Handle of its Client Characteristic Configuration descriptor.
    public var configurationHandle: UInt16
    /// Battery Level (0x2A19) in percent, when the strap has a Battery service that let us read it.
    public var batteryPercent: UInt8?
    /// The GAP Device Name (0x2A00), when readable.
    public var deviceName: String?
    /// The Device Information service's Serial Number String (0x2A25), when the strap has one:
    /// what identifies a strap across the address changes of its firmware.
    public var serialNumber: String? = nil
}

/// A sans-IO GATT client that discovers a heart-rate strap and subscribes to its measurements.
///
/// Feed it every received ATT PDU; it answers with the one thing to do next. It never touches a
/// socket or a clock: the driver applies the 30 s transaction timeout (Core v5.3 Vol 3 Part F
/// §3.3.3) by calling `transactionTimedOut()` while `isAwaitingResponse` is true.
///
/// Procedure (Core v5.3 Vol 3 Part G §4): Exchange MTU (§4.3.1) → Discover All Primary Services
/// (§4.4.1, Read By Group Type) → Discover All Characteristics of the Heart Rate service (§4.6.1,
/// Read By Type 0x2803) → Discover All Characteristic Descriptors of the measurement (§4.7.1, Find
/// Information) → Read Using Characteristic UUID (§4.8.2) for Battery Level, Device Name and
/// Serial Number String, when their services exist → write 0x0001 to the CCCD (§4.12.3, §3.3.3.3) → stream notifications.
/// One request is outstanding at a time (Part F §3.3.2).
public struct GATTClient: Sendable {
    /// The receive MTU this client offers in the exchange.
    public let clientMTU: UInt16

    private enum Phase: Equatable {
        case idle, exchangingMTU, discoveringServices, discoveringCharacteristics, discoveringDescriptors
        case readingBattery, readingName, readingSerial, writingConfiguration, streaming, failed
    }

    private struct Characteristic: Equatable {
        var declarationHandle: UInt16
        var properties: UInt8
        var valueHandle: UInt16
        var type: BluetoothUUID
    }

    private var phase = Phase.idle
    private var outstanding: ATTOpcode?
    /// The first handle of the running discovery request; each follow-up must start past it, so a
    /// server that repeats itself cannot loop the client forever.
    private var cursor: UInt16 = 0
    private var mtu: UInt16 = 23
    private var services: [(start: UInt16, end: UInt16, type: BluetoothUUID)] = []
    private var heartRateRange: ClosedRange<UInt16> = 1...1
    private var characteristics: [Characteristic] = []
    private var measurementHandle: UInt16 = 0
    private var descriptorRange: ClosedRange<UInt16> = 1...1
    private var configurationHandle: UInt16?
    private var batteryPercent: UInt8?
    private var deviceName: String?
    private var serialNumber: String?
    /// Notifications that arrived before streaming began, oldest first (see `takeEarlyNotifications`).
    private var earlyNotifications: [(handle: UInt16, value: [UInt8])] = []
    /// At most this many early notifications are kept: a strap sends about one a second, and
    /// setup is bounded by the driver, so this is never reached by an honest server.
    public static let earlyNotificationLimit = 64

    /// - Parameter clientMTU: the ATT_MTU to offer; at least 23 (Part F §3.2.8).
    public init(clientMTU: UInt16 = 185) {
        self.clientMTU = max(23, clientMTU)
    }

    /// True while a request awaits its response, so the driver's 30 s timer should run.
    public var isAwaitingResponse: Bool { outstanding != nil }
    /// True once notifications are enabled.
    public var isStreaming: Bool { phase == .streaming }

    /// Starts the procedure; returns the Exchange MTU Request to send.
    public mutating func start() -> GATTClientAction {
        phase = .exchangingMTU
        return request(.exchangeMTURequest(clientMTU: clientMTU))
    }

    /// The notifications that arrived before `.subscribed`, oldest first, as `.measurement` or
    /// `.discarded` actions; empty until streaming begins. Call once right after `.subscribed`, so
    /// they reach the consumer before any later notification.
    public mutating func takeEarlyNotifications() -> [GATTClientAction] {
        guard phase == .streaming else { return [] }
        let early = earlyNotifications
        earlyNotifications = []
        return early.map { notification(handle: $0.handle, value: $0.value) }
    }

    /// The driver's transaction timer fired with a request still outstanding.
    public mutating func transactionTimedOut() -> GATTClientAction {
        guard outstanding != nil else { return .none }
        return fail(.transactionTimeout)
    }

    /// Feeds one received PDU.
    public mutating func receive(_ bytes: [UInt8]) -> GATTClientAction {
        guard phase != .failed else { return .none }
        let pdu: ATTPDU
        do {
            pdu = try ATTPDU(decoding: bytes)
        } catch {
            // A broken response to our request is fatal for the transaction; other garbage
            // (unknown opcodes, truncated notifications) is dropped so the stream survives it.
            switch error {
            case .truncated(let opcode, _), .malformed(let opcode, _):
                if answersOutstanding(opcode) { return fail(.malformedResponse(error)) }
            case .empty, .unsupportedOpcode:
                break
            }
            return .discarded("undecodable PDU (\(error))")
        }
        switch pdu {
        case .handleValueNotification(let handle, let value):
            guard phase == .streaming else {
                // A server may notify before the CCCD Write Response (Part F §3.4.7.1 sets no order
                // between them), and one that remembered this client's CCCD (BlueZ does, per
                // device) notifies from the moment the link is up, before the measurement's handle
                // is known. Kept, and delivered after `.subscribed` by `takeEarlyNotifications()`.
                guard earlyNotifications.count < Self.earlyNotificationLimit else {
                    return .discarded("notification for handle 0x\(String(handle, radix: 16)) before subscribing, past the \(Self.earlyNotificationLimit) kept")
                }
                earlyNotifications.append((handle, value))
                return .none
            }
            return notification(handle: handle, value: value)
        case .handleValueIndication(let handle, let value):
            // Indications must be confirmed (Part F §3.4.7.2) or the server stops sending. The
            // Heart Rate Measurement is notify-only (HRS 1.0 §3.1.1), so nothing Lull reads comes
            // this way; the value is dropped and only the confirmation matters.
            _ = (handle, value)
            return .send(ATTPDU.handleValueConfirmation.encoded())
        case .exchangeMTURequest:
            // Some peripherals start their own exchange; answer it (Part F §3.4.2.2).
            return .send(ATTPDU.exchangeMTUResponse(serverMTU: clientMTU).encoded())
        case .findInformationRequest, .readByTypeRequest, .readRequest, .readByGroupTypeRequest, .writeRequest:
            // This connection has no GATT server of ours to read (Part F §3.4.1.1).
            return .send(ATTPDU.errorResponse(request: pdu.opcode, handle: 0, error: .requestNotSupported).encoded())
        case .writeCommand, .handleValueConfirmation:
            return .discarded("unsolicited \(pdu.opcode)")
        default:
            return response(pdu)
        }
    }

    private mutating func notification(handle: UInt16, value: [UInt8]) -> GATTClientAction {
        guard measurementHandle != 0, handle == measurementHandle else {
            return .discarded("notification for handle 0x\(String(handle, radix: 16))")
        }
        do {
            return .measurement(try HeartRateMeasurement(decoding: value))
        } catch {
            return .discarded(error.description)
        }
    }

    private mutating func response(_ pdu: ATTPDU) -> GATTClientAction {
        guard let outstanding else { return fail(.unexpectedResponse(pdu.opcode)) }
        if case .errorResponse(let request, let handle, let error) = pdu {
            guard request == outstanding else { return fail(.unexpectedResponse(pdu.opcode)) }
            self.outstanding = nil
            return errorResponse(request: request, handle: handle, error: error)
        }
        guard pdu.opcode.rawValue == outstanding.rawValue + 1 else { return fail(.unexpectedResponse(pdu.opcode)) }
        self.outstanding = nil
        switch pdu {
        case .exchangeMTUResponse(let serverMTU):
            // Part F §3.4.2.2: ATT_MTU is the smaller of the two, never under the default 23.
            mtu = max(23, min(clientMTU, serverMTU))
            return discoverServices(from: 0x0001)
        case .readByGroupTypeResponse(let records):
            return servicesFound(records)
        case .readByTypeResponse(let records):
            return readByTypeAnswered(records)
        case .findInformationResponse(let pairs):
            return descriptorsFound(pairs)
        case .writeResponse:
            phase = .streaming
            return .subscribed(
                HeartRateStrapProfile(
                    mtu: mtu, measurementHandle: measurementHandle, configurationHandle: configurationHandle ?? 0,
                    batteryPercent: batteryPercent, deviceName: deviceName, serialNumber: serialNumber))
        default:
            return fail(.unexpectedResponse(pdu.opcode))
        }
    }

    private mutating func errorResponse(request: ATTOpcode, handle: UInt16, error: ATTErrorCode) -> GATTClientAction {
        switch phase {
        case .exchangingMTU:
            // A server that refuses the exchange keeps the default ATT_MTU of 23 (Part F §3.4.2).
            mtu = 23
            return discoverServices(from: 0x0001)
        case .discoveringServices where error == .attributeNotFound:
            // Part G §4.4.1: Attribute Not Found ends the discovery.
            return servicesComplete()
        case .discoveringCharacteristics where error == .attributeNotFound:
            return characteristicsComplete()
        case .discoveringDescriptors where error == .attributeNotFound:
            return descriptorsComplete()
        case .readingBattery:
            // The battery level is optional: a refused read leaves it unknown.
            return readName()
        case .readingName:
            return readSerial()
        case .readingSerial:
            return writeConfiguration()
        default:
            return fail(.errorResponse(request: request, handle: handle, error: error))
        }
    }

    // MARK: Primary services (Part G §4.4.1)

    private mutating func discoverServices(from start: UInt16) -> GATTClientAction {
        phase = .discoveringServices
        cursor = start
        return request(.readByGroupTypeRequest(start: start, end: 0xFFFF, type: .primaryService))
    }

    private mutating func servicesFound(_ records: [ATTGroupValue]) -> GATTClientAction {
        guard phase == .discoveringServices else { return fail(.unexpectedResponse(.readByGroupTypeResponse)) }
        var lastEnd: UInt16 = 0
        for record in records {
            guard let type = BluetoothUUID(littleEndian: record.value), record.endGroupHandle >= record.handle else {
                return fail(.malformedResponse(.malformed(.readByGroupTypeResponse, "bad service record")))
            }
            services.append((record.handle, record.endGroupHandle, type))
            lastEnd = max(lastEnd, record.endGroupHandle)
        }
        // Continue after the last group unless it reached the end of the handle space.
        guard lastEnd < 0xFFFF, lastEnd >= cursor else { return servicesComplete() }
        return discoverServices(from: lastEnd + 1)
    }

    private mutating func servicesComplete() -> GATTClientAction {
        guard let heartRate = services.first(where: { $0.type == .heartRateService }) else {
            return fail(.heartRateServiceNotFound)
        }
        heartRateRange = heartRate.start...heartRate.end
        return discoverCharacteristics(from: heartRate.start)
    }

    // MARK: Characteristics (Part G §4.6.1)

    private mutating func discoverCharacteristics(from start: UInt16) -> GATTClientAction {
        phase = .discoveringCharacteristics
        cursor = start
        return request(.readByTypeRequest(start: start, end: heartRateRange.upperBound, type: .characteristicDeclaration))
    }

    private mutating func readByTypeAnswered(_ records: [ATTHandleValue]) -> GATTClientAction {
        switch phase {
        case .discoveringCharacteristics:
            var last: UInt16 = 0
            for record in records {
                // Characteristic declaration value (Part G §3.3.1): properties, value handle, UUID.
                var reader = ByteReader(record.value)
                guard let properties = reader.uint8(), let valueHandle = reader.uint16(),
                    let type = BluetoothUUID(littleEndian: reader.rest())
                else { return fail(.malformedResponse(.malformed(.readByTypeResponse, "bad characteristic declaration"))) }
                characteristics.append(Characteristic(declarationHandle: record.handle, properties: properties, valueHandle: valueHandle, type: type))
                last = max(last, record.handle)
            }
            guard last < heartRateRange.upperBound, last >= cursor else { return characteristicsComplete() }
            return discoverCharacteristics(from: last + 1)
        case .readingBattery:
            if let value = records.first?.value.first { batteryPercent = value }
            return readName()
        case .readingName:
            if let value = records.first?.value {
                deviceName = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
            }
            return readSerial()
        case .readingSerial:
            if let value = records.first?.value {
                serialNumber = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
            }
            return writeConfiguration()
        default:
            return fail(.unexpectedResponse(.readByTypeResponse))
        }
    }

    private mutating func characteristicsComplete() -> GATTClientAction {
        // Property bit 4 = Notify (Part G §3.3.1.1, Table 3.5).
        let sorted = characteristics.sorted { $0.declarationHandle < $1.declarationHandle }
        guard let index = sorted.firstIndex(where: { $0.type == .heartRateMeasurement && $0.properties & 0x10 != 0 }) else {
            return fail(.heartRateMeasurementNotFound)
        }
        measurementHandle = sorted[index].valueHandle
        // Its descriptors sit between the value and the next declaration, or the service's end (Part G §3.3).
        let end = index + 1 < sorted.count ? sorted[index + 1].declarationHandle - 1 : heartRateRange.upperBound
        guard measurementHandle < end else { return fail(.configurationDescriptorNotFound) }
        descriptorRange = (measurementHandle + 1)...end
        return discoverDescriptors(from: descriptorRange.lowerBound)
    }

    // MARK: Descriptors (Part G §4.7.1)

    private mutating func discoverDescriptors(from start: UInt16) -> GATTClientAction {
        phase = .discoveringDescriptors
        cursor = start
        return request(.findInformationRequest(start: start, end: descriptorRange.upperBound))
    }

    private mutating func descriptorsFound(_ pairs: [ATTHandleUUID]) -> GATTClientAction {
        guard phase == .discoveringDescriptors else { return fail(.unexpectedResponse(.findInformationResponse)) }
        if let cccd = pairs.first(where: { $0.type == .clientCharacteristicConfiguration && descriptorRange.contains($0.handle) }) {
            configurationHandle = cccd.handle
            return descriptorsComplete()
        }
        let last = pairs.map(\.handle).max() ?? descriptorRange.upperBound
        guard last < descriptorRange.upperBound, last >= cursor else { return descriptorsComplete() }
        return discoverDescriptors(from: last + 1)
    }

    private mutating func descriptorsComplete() -> GATTClientAction {
        guard configurationHandle != nil else { return fail(.configurationDescriptorNotFound) }
        return readBattery()
    }

    // MARK: Battery and name (Part G §4.8.2), then the CCCD write (Part G §4.12.3)

    private mutating func readBattery() -> GATTClientAction {
        guard let battery = services.first(where: { $0.type == .batteryService }) else { return readName() }
        phase = .readingBattery
        return request(.readByTypeRequest(start: battery.start, end: battery.end, type: .batteryLevel))
    }

    private mutating func readName() -> GATTClientAction {
        guard let access = services.first(where: { $0.type == .genericAccessService }) else { return readSerial() }
        phase = .readingName
        return request(.readByTypeRequest(start: access.start, end: access.end, type: .deviceName))
    }

    /// Device Information Service 1.1 §3.4: the Serial Number String, optional and read-only.
    private mutating func readSerial() -> GATTClientAction {
        guard let information = services.first(where: { $0.type == .deviceInformationService }) else { return writeConfiguration() }
        phase = .readingSerial
        return request(.readByTypeRequest(start: information.start, end: information.end, type: .serialNumberString))
    }

    private mutating func writeConfiguration() -> GATTClientAction {
        phase = .writingConfiguration
        // 0x0001 = notifications enabled (Part G §3.3.3.3, Table 3.11), little-endian.
        return request(.writeRequest(handle: configurationHandle ?? 0, value: [0x01, 0x00]))
    }

    // MARK: Plumbing

    private func answersOutstanding(_ opcode: ATTOpcode) -> Bool {
        guard let outstanding else { return false }
        return opcode == .errorResponse || opcode.rawValue == outstanding.rawValue &+ 1
    }

    private mutating func request(_ pdu: ATTPDU) -> GATTClientAction {
        outstanding = pdu.opcode
        return .send(pdu.encoded())
    }

    private mutating func fail(_ error: GATTClientError) -> GATTClientAction {
        phase = .failed
        outstanding = nil
        return .fail(error)
    }
}
