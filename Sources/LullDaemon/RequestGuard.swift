// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The loopback TCP listener's rules (README, "Control API limits and origins"), against pages of
/// other origins in the kiosk's browser (cross-site request forgery) and DNS rebinding:
/// - `Host` must be `127.0.0.1:PORT` or `localhost:PORT` (a rebinding page sends its own name);
/// - an `Origin`, when there is one, must be `http://127.0.0.1:PORT` or `http://localhost:PORT`;
/// - a POST needs `Content-Type: application/json`, which no cross-origin form or `no-cors` fetch
///   can send without a CORS preflight, and Lull answers no preflight (it sends no CORS headers);
/// - client names and physiology (`/api/status`'s client and last summary, `/api/events`) go only
///   to the kiosk's own page: a request with the kiosk's `Origin`, or with no `Origin` and
///   `Sec-Fetch-Site: same-origin` or a `Referer` on the kiosk's origin (what a browser sends for
///   the page's own GETs; a script cannot set either, Fetch §2.2.2 "forbidden request-header");
/// - the therapist code is tried at `CodeAttemptLimiter`'s pace, and every wrong code is a warning.
final class LoopbackGuard: Sendable {
    let port: Int
    let therapistCode: String?
    private let attempts = Mutex(CodeAttemptLimiter())
    private let logger: Logger

    init(port: Int, therapistCode: String?, logger: Logger) {
        self.port = port
        self.therapistCode = therapistCode
        self.logger = logger
    }

    private var hosts: [String] { ["127.0.0.1:\(port)", "localhost:\(port)"] }
    private var origins: [String] { hosts.map { "http://" + $0 } }

    /// Why a request is refused before any route sees it, or nil.
    func refusal(_ request: Request) -> Response? {
        let named = [request.head.authority].compactMap { $0 }
        guard !named.isEmpty, named.allSatisfy({ hosts.contains($0.lowercased()) }) else {
            return ControlAPI.json(.forbidden, DaemonJSON.error("Host: this port serves only \(hosts.joined(separator: " or "))"))
        }
        let givenOrigins = request.headers[values: .origin]
        guard givenOrigins.allSatisfy({ origins.contains($0.lowercased()) }) else {
            return ControlAPI.json(.forbidden, DaemonJSON.error("Origin: this port serves only the kiosk's own pages"))
        }
        if ![.get, .head].contains(request.method) {
            let type = request.headers[.contentType]?.split(separator: ";").first?
                .trimmingCharacters(in: .whitespaces).lowercased()
            guard type == "application/json" else {
                return ControlAPI.json(.unsupportedMediaType, DaemonJSON.error("Content-Type: expected application/json"))
            }
        }
        return nil
    }

    /// The kiosk's own page (see the type's comment); only it is shown client names and physiology.
    func isKioskOrigin(_ request: Request) -> Bool {
        if let origin = request.headers[.origin] { return origins.contains(origin.lowercased()) }
        if request.headers[Self.secFetchSite]?.lowercased() == "same-origin" { return true }
        // Browsers without Fetch Metadata still name the page in Referer (same-origin requests keep
        // it under every default referrer policy); no other site's page can name the kiosk's.
        guard let referer = request.headers[.referer]?.lowercased() else { return false }
        return origins.contains { referer.hasPrefix($0 + "/") }
    }

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// Checks `X-Lull-Therapist-Code` at the limiter's pace: nil when it is right.
    func therapistRefusal(_ request: Request, now: ContinuousClock.Instant = .now) -> Response? {
        guard let code = therapistCode else {
            return ControlAPI.json(.unauthorized, DaemonJSON.error("no therapist code is configured (kiosk.therapist_code)"))
        }
        // On loopback every peer has the same address; the Origin tells the kiosk's page from others.
        let source = request.headers[.origin] ?? (isKioskOrigin(request) ? "kiosk page" : "no origin")
        switch attempts.withLock({ $0.attempt(source: source, at: now) }) {
        case .wait(let delay):
            let seconds = Int((Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18).rounded(.up))
            var response = ControlAPI.json(
                .tooManyRequests, DaemonJSON.error("too many wrong therapist codes: try again in \(seconds) s"))
            response.headers[.retryAfter] = "\(seconds)"
            return response
        case .admitted(let failures):
            guard let given = request.headers[ControlAPI.therapistCodeHeader], ControlAPI.constantTimeEqual(given, code) else {
                logger.warning(
                    "wrong therapist code over TCP",
                    metadata: ["source": "\(source)", "failures": "\(failures)", "path": "\(request.uri.path)"])
                return ControlAPI.json(.unauthorized, DaemonJSON.error("a valid X-Lull-Therapist-Code header is required"))
            }
            attempts.withLock { $0.succeeded(source: source) }
            return nil
        }
    }
}

/// Applies `LoopbackGuard.refusal` to every request of the TCP listener.
struct LoopbackGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let loopback: LoopbackGuard

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let refusal = loopback.refusal(request) { return refusal }
        return try await next(request, context)
    }
}

/// The keys of a JSON text's top-level object, read without building it, to find a key given
/// twice (RFC 8259 §4: names "SHOULD be unique"; readers disagree on which one wins).
enum JSONObjectKeys {
    /// The first key that appears a second time, unescaped; nil if none (or not an object).
    static func firstDuplicate(in text: String) -> String? {
        let bytes = Array(text.utf8)
        var seen = Set<String>()
        var depth = 0
        var index = 0
        // At depth 1, a string is a key when it follows "{" or "," (not ":").
        var expectingKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"):
                depth += 1
                expectingKey = depth == 1
            case UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if expectingKey, index < bytes.count {
                    let literal = String(decoding: bytes[start...index], as: UTF8.self)
                    let key = (try? JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed))
                        as? String ?? literal
                    if !seen.insert(key).inserted { return key }
                }
                expectingKey = false
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
