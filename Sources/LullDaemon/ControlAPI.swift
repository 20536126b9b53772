// SPDX-License-Identifier: Apache-2.0
import LullWire
import SessionRuntime
import ControlClient
import HeartSources
import Foundation
import SynthCore
import HTTPTypes
import Hummingbird
import NIOCore
import SessionStore

/// The control API (README, "The daemon"): one router per listener. Over the Unix socket
/// everything is allowed (access is the socket's mode and group); over loopback TCP the therapist
/// data needs the configured access code.
enum ControlAPI {
    enum Access: Sendable {
        case unixSocket
        /// Loopback TCP: Host, Origin and Content-Type rules, client data for the kiosk's own page
        /// only, and `/api/sessions*` behind the therapist code (`LoopbackGuard`).
        case loopback(LoopbackGuard)
    }

    static let therapistCodeHeader = HTTPField.Name("X-Lull-Therapist-Code")!
    /// The largest request body read (`POST /api/start`'s is under 100 bytes); more answers 413.
    static let maximumBodyBytes = 16_384

    static func router(
        access: Access, state: DaemonState, sessions: DaemonSessions, database: SessionDatabase
    ) -> Router<ControlContext> {
        let router = Router(context: ControlContext.self)
        router.add(middleware: JSONErrorMiddleware())
        if case .loopback(let loopback) = access { router.add(middleware: LoopbackGuardMiddleware(loopback: loopback)) }

        router.get("/api/status") { request, _ in
            if case .loopback(let loopback) = access, !loopback.isKioskOrigin(request) {
                return json(.ok, state.statusJSON(redacted: true))
            }
            return json(.ok, state.statusJSON())
        }

        router.post("/api/start") { request, context in
            let body = try await request.body.collect(upTo: maximumBodyBytes)
            let parsed: (minutes: Double?, client: String?)
            let plan: DaemonSessions.Plan
            let palette: Palette?
            do {
                parsed = try parseStart(String(buffer: body))
                plan = try parsePlan(String(buffer: body))
                palette = try parsePalette(String(buffer: body))
            } catch {
                return json(.badRequest, DaemonJSON.error("\(error)"))
            }
            do {
                // A client that gave up (closed its connection) before its request's turn came gets
                // no session started on its behalf (DaemonSessions asks `isWanted` then).
                let channel = context.channel
                let id = try await sessions.start(
                    minutes: parsed.minutes, client: parsed.client, plan: plan, palette: palette,
                    isWanted: { channel.isActive })
                var w = JSONWriter()
                w.beginObject()
                w.field("id", id.map { Int($0) })
                w.endObject()
                return json(.accepted, w.text)
            } catch let error as DaemonSessions.StartError {
                switch error {
                case .busy: return json(.conflict, DaemonJSON.error("a session is already running"))
                case .shuttingDown: return json(.serviceUnavailable, DaemonJSON.error("lull daemon is shutting down"))
                case .failed(let message): return json(.internalServerError, DaemonJSON.error(message))
                }
            } catch {
                return json(.internalServerError, DaemonJSON.error("\(error)"))
            }
        }

        router.post("/api/stop") { _, _ in
            guard state.requestStop() else { return json(.conflict, DaemonJSON.error("no session is running")) }
            return json(.accepted, #"{"stopping":true}"#)
        }

        router.get("/api/events") { request, _ in
            if case .loopback(let loopback) = access, !loopback.isKioskOrigin(request) {
                return json(.forbidden, DaemonJSON.error("the event stream is served to the kiosk's own page only"))
            }
            let stream = state.events.subscribe(first: EventHub.event("status", state.statusJSON()))
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    for await event in stream { try await writer.write(ByteBuffer(string: event)) }
                    try await writer.finish(nil)
                })
        }

        router.get("/api/sessions") { request, _ in
            if let refusal = refuseTherapistData(request, access: access) { return refusal }
            let since = request.uri.queryParameters.get("since")
            var sinceUTC: String?
            if let since {
                guard let date = SessionListingText.parseSince(since, now: Date()) else {
                    return json(.badRequest, DaemonJSON.error("since \(since): expected YYYY-MM-DD, an ISO 8601 time, Nd or Nh"))
                }
                sinceUTC = SessionListingText.utcText(date)
            }
            let listings = try database.sessions(client: request.uri.queryParameters.get("client"), since: sinceUTC)
            return json(.ok, "[" + listings.map(SessionListingText.jsonLine).joined(separator: ",") + "]")
        }

        // The palette to offer a client first: their last choice, else `session.palette`. Only the
        // kiosk's own page (or the Unix socket) learns a client's choice; anyone else the default.
        router.get("/api/palette") { request, _ in
            var palette = state.defaultPalette
            var source = "default"
            if let text = request.uri.queryParameters.get("client"), !text.isEmpty {
                guard let client = ClientName.validated(String(text)) else {
                    return json(.badRequest, DaemonJSON.error("client: \(ClientName.rule)"))
                }
                var mayKnow = true
                if case .loopback(let loopback) = access { mayKnow = loopback.isKioskOrigin(request) }
                if mayKnow, let last = try database.lastPalette(client: client).flatMap(Palette.init(named:)) {
                    palette = last
                    source = "client"
                }
            }
            var w = JSONWriter()
            w.beginObject()
            w.field("palette", palette.rawValue)
            w.field("source", source)
            w.endObject()
            return json(.ok, w.text)
        }

        router.get("/api/sessions/:id/report") { request, context in
            if let refusal = refuseTherapistData(request, access: access) { return refusal }
            guard let id = context.parameters.get("id", as: Int64.self) else {
                return json(.badRequest, DaemonJSON.error("session id \(context.parameters.get("id") ?? ""): not a number"))
            }
            return try DaemonReport.html(database: database, sessionID: id)
        }

        if case .loopback = access {
            router.get("/") { _, _ in html(KioskPage.clientHTML) }
            router.get("/therapist") { _, _ in html(KioskPage.therapistHTML) }
        }
        return router
    }

    /// `{"minutes": num?, "client": str?}`; an empty body takes the defaults.
    static func parseStart(_ text: String) throws(DaemonError) -> (Double?, String?) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return (nil, nil) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
            throw DaemonError("body: expected a JSON object such as {\"minutes\": 20, \"client\": \"A7\"}")
        }
        for key in object.keys where !["minutes", "client", "plan", "palette"].contains(key) {
            throw DaemonError("body: unknown key \(key) (expected minutes, client, plan, palette)")
        }
        // JSONSerialization keeps one of two equal keys silently; which one a reader keeps differs.
        if let key = JSONObjectKeys.firstDuplicate(in: trimmed) { throw DaemonError("body: duplicate key \(key)") }
        struct Body: Decodable {
            var minutes: Double?
            var client: String?
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(trimmed.utf8))
        } catch DecodingError.typeMismatch(_, let context) {
            let key = context.codingPath.first?.stringValue ?? "body"
            throw DaemonError("\(key): expected \(key == "client" ? "a string" : "a number")")
        } catch {
            throw DaemonError("body: not valid JSON")
        }
        if let m = body.minutes, !(m.isFinite && (1...240).contains(m)) {
            throw DaemonError("minutes: \(m) is out of range (1...240)")
        }
        var client: String?
        if let text = body.client {
            guard let name = ClientName.validated(text) else { throw DaemonError("client: \(ClientName.rule)") }
            client = name
        }
        return (body.minutes, client)
    }

    /// Over loopback TCP the journal's health data needs the therapist's code (nil: allowed).
    static func refuseTherapistData(_ request: Request, access: Access) -> Response? {
        guard case .loopback(let loopback) = access else { return nil }
        return loopback.therapistRefusal(request)
    }

    /// Compares without stopping at the first difference, so timing does not reveal the code.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func html(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The control API's request context: Hummingbird's basic one plus the connection, so a handler
/// can tell whether its client is still there.
struct ControlContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Every error is one JSON line `{"error": ...}` with a fitting status, unknown paths included.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch is NIOTooManyBytesError {
            return ControlAPI.json(.contentTooLarge, DaemonJSON.error("body: larger than \(ControlAPI.maximumBodyBytes) bytes"))
        } catch let error as HTTPError {
            let message =
                error.status == .notFound
                ? "no such path: \(request.method) \(request.uri.path)" : (error.body ?? error.status.reasonPhrase)
            return ControlAPI.json(error.status, DaemonJSON.error(message))
        } catch {
            return ControlAPI.json(.internalServerError, DaemonJSON.error("\(error)"))
        }
    }
}
