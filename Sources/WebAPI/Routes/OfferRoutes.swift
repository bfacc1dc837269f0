import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Call offers: the Server-Sent Events stream that pushes them (and call status) to the
/// shopper's browser, the shopper's answers, and the calls they request.
struct OfferRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/offers/stream") { _, context in
            let shopperId = try context.requireShopper()
            let hub = services.hub
            let offers = services.offers
            let logger = context.logger
            // Listen first, then read what is open: an offer committed in between is pushed
            // (and may also be in the catch-up — the page ignores a repeat). Read the other way
            // round, such an offer was neither read nor pushed.
            let (id, pushes) = try Self.listen(hub, shopperId)
            let open: [CallOffered]
            do {
                open = try await offers.openOffers(shopperId: shopperId)
            } catch {
                hub.stop(shopperId, id)
                throw error
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                defer { hub.stop(shopperId, id) }
                // Offers still open come first: a reconnecting browser (Last-Event-ID) sees them again;
                // then the call under way, so a reloaded page keeps its "Your call" box. Read after
                // listening, so a change in between is pushed (the page ignores a step back).
                var preamble = "retry: 3000\n\n"
                for offer in open { preamble += OfferPush.offer(offer).text }
                do {
                    if let call = try await offers.latestCall(shopperId: shopperId, finishedSince: Self.finishedCallsShownSince(offers)).flatMap(CallView.init) {
                        preamble += OfferPush.call(call).text
                    }
                } catch {
                    // A courtesy of the catch-up: the stream opens without it.
                    logger.warning("no call for the stream's catch-up", metadata: ["error": "\(error)"])
                }
                try await writer.write(ByteBuffer(string: preamble))
                for await push in pushes.cancelOnGracefulShutdown() {
                    try await writer.write(ByteBuffer(string: push.text))
                }
                try await writer.finish(nil)
            })
        }
        table.add(.post, "/v1/offers/{offerId}/accept") { request, context in
            let shopperId = try context.requireShopper()
            let offerId = try context.uuidParameter("offerId", what: "offer")
            let preferences = try await services.currentPreferences(request, shopperId: shopperId)
            let call = try await services.offers.accept(offerId, shopperId: shopperId, preferences: preferences)
            var response = try APIResponse.json(try await view(of: call))
            response.headers["Location"] = "/v1/calls/\(call.callId.uuidString.lowercased())"
            return response.response
        }
        table.add(.post, "/v1/offers/{offerId}/decline") { _, context in
            let shopperId = try context.requireShopper()
            let offerId = try context.uuidParameter("offerId", what: "offer")
            try await services.offers.decline(offerId, shopperId: shopperId)
            return try APIResponse.json(DeclinedView(offerId: offerId.uuidString.lowercased(), status: "declined")).response
        }
        table.add(.post, "/v1/help") { request, context in
            let shopperId = try context.requireShopper()
            let body = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
            if !body.isEmpty { _ = try JSONBody.decode(EmptyBody.self, from: body, allowedFields: []) }
            let preferences = try await services.currentPreferences(request, shopperId: shopperId)
            let outcome = try await services.offers.help(shopperId: shopperId, cartId: nil, via: "help", preferences: preferences, carts: services.carts)
            return try APIResponse.json(HelpView(outcome, call: try await state(of: outcome))).response
        }
        // Click-to-call: the link (GET) leads to a page that asks (StorefrontRoutes); the call
        // is placed only by this POST, from a page of this server — never by a prefetcher or a
        // navigation from another site (the session cookie is SameSite=Lax besides).
        table.add(.post, "/v1/carts/{cartId}/call") { request, context in
            try Self.requireSameOrigin(request)
            let shopperId = try context.requireShopper()
            let cartId = try context.uuidParameter("cartId", what: "cart")
            let preferences = try await services.currentPreferences(request, shopperId: shopperId)
            let outcome = try await services.offers.help(shopperId: shopperId, cartId: cartId, via: "click-to-call",
                                                         preferences: preferences, carts: services.carts)
            var response = try APIResponse.json(HelpView(outcome, call: try await state(of: outcome)))
            if case .call(let call) = outcome { response.headers["Location"] = "/v1/calls/\(call.callId.uuidString.lowercased())" }
            return response.response
        }
        table.add(.get, "/v1/engagement") { _, context in
            let shopperId = try context.requireShopper()
            let offers = services.offers
            let open = try await offers.openOffers(shopperId: shopperId).first
            let call = try await offers.latestCall(shopperId: shopperId, finishedSince: Self.finishedCallsShownSince(offers)).flatMap(CallView.init)
            // A call under way supersedes any offer: the shopper is being called already.
            let underWay = call.map { $0.status != "ended" && $0.status != "failed" } ?? false
            let offer = underWay ? nil : open.map(OfferView.init)
            return try APIResponse.json(EngagementNowView(offer: offer, call: call)).response
        }
        table.add(.post, "/v1/calls/{callId}/cancel") { _, context in
            let shopperId = try context.requireShopper()
            let callId = try context.uuidParameter("callId", what: "call")
            let state = try await services.offers.cancelCall(callId, shopperId: shopperId)
            guard let view = CallView(state) else { throw Problem.notFound("no such call") }
            return try APIResponse.json(view).response
        }
        table.add(.post, "/v1/calls/{callId}/voice") { _, context in
            let shopperId = try context.requireShopper()
            let callId = try context.uuidParameter("callId", what: "call")
            let credentials = try await services.offers.voiceCredentials(callId, shopperId: shopperId)
            var response = try APIResponse.json(VoiceCredentialsView(credentials))
            // Secrets of one call: no cache keeps them.
            response.headers["Cache-Control"] = "no-store"
            return response.response
        }
        table.add(.get, "/v1/calls/{callId}") { _, context in
            let state = try await services.offers.call(try context.uuidParameter("callId", what: "call"), shopperId: try context.requireShopper())
            guard let view = CallView(state) else { throw Problem.notFound("no such call") }
            return try APIResponse.json(view).response
        }
    }

    /// How long a finished call stays in the shopper's view (every tab, every reload).
    static let finishedCallShownSeconds: Double = 600

    static func finishedCallsShownSince(_ offers: OfferService) -> Date {
        offers.clock.now().addingTimeInterval(-finishedCallShownSeconds)
    }

    /// The call as it stands now: a retried request may find it long under way.
    private func view(of call: CallRequested) async throws -> CallView {
        CallView(call, state: try await services.offers.call(call.callId, shopperId: call.shopperId))
    }

    /// A slot on the hub for one stream, or the problem that says why not (with when to retry).
    /// (A shopper past their share gives up their oldest stream instead: `OfferHub.listen`.)
    static func listen(_ hub: OfferHub, _ shopperId: UUID) throws(Problem) -> (id: UUID, pushes: AsyncStream<OfferPush>) {
        do {
            return try hub.listen(shopperId)
        } catch {
            var problem = Problem(.serviceUnavailable, "server-busy", title: "Server busy",
                                  detail: "this server holds \(limits(error)) offer streams, its most; try again shortly")
            problem.headers[.retryAfter] = "10"
            throw problem
        }
    }

    private static func limits(_ refusal: OfferHub.Refusal) -> Int {
        switch refusal {
        case .tooManyInAll(let limit): limit
        }
    }

    /// A state-changing request that names its `Origin` must come from this server's own
    /// pages: the origin's host and port are the request's `Host`.
    static func requireSameOrigin(_ request: Request) throws(Problem) {
        guard let origin = request.headers[.origin] else { return }
        // The address the browser used: a proxy in front names it in X-Forwarded-Host.
        let forwarded = HTTPField.Name("X-Forwarded-Host").flatMap { request.headers[$0] }
        let hostField = HTTPField.Name("Host").flatMap { request.headers[$0] }
        let host = forwarded ?? request.head.authority ?? hostField ?? ""
        guard let url = URL(string: origin), let originHost = url.host else {
            throw Problem(.forbidden, "cross-site-request", title: "Cross-site request", detail: "this request must come from the shop's own page")
        }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        guard originAuthority.lowercased() == host.lowercased() else {
            throw Problem(.forbidden, "cross-site-request", title: "Cross-site request",
                          detail: "a call is asked for from the shop's own page, not from \(origin.prefix(100))")
        }
    }

    private func state(of outcome: EngagementSaga.HelpOutcome) async throws -> CallState? {
        guard case .call(let call) = outcome else { return nil }
        return try await services.offers.call(call.callId, shopperId: call.shopperId)
    }
}
