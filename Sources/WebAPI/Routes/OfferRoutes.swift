import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Call offers: the Server-Sent Events stream that pushes them (and call status) to the
/// shopper's browser, the shopper's answers, and the calls they request.
struct OfferRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/offers/stream") { _, context in
            let shopperId = try context.requireShopper()
            let open = try await services.offers.openOffers(shopperId: shopperId)
            let hub = services.hub
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                let (id, pushes) = hub.listen(shopperId)
                defer { hub.stop(shopperId, id) }
                // Offers still open come first: a reconnecting browser (Last-Event-ID) sees them again.
                var preamble = "retry: 3000\n\n"
                for offer in open { preamble += OfferPush.offer(offer).text }
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
            var response = try APIResponse.json(CallView(call, status: "requested"))
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
            return try APIResponse.json(HelpView(outcome)).response
        }
        table.add(.get, "/v1/carts/{cartId}/call") { request, context in
            let shopperId = try context.requireShopper()
            let cartId = try context.uuidParameter("cartId", what: "cart")
            let preferences = try await services.currentPreferences(request, shopperId: shopperId)
            let outcome = try await services.offers.help(shopperId: shopperId, cartId: cartId, via: "click-to-call",
                                                         preferences: preferences, carts: services.carts)
            var response = try APIResponse.json(HelpView(outcome))
            if case .call(let call) = outcome { response.headers["Location"] = "/v1/calls/\(call.callId.uuidString.lowercased())" }
            return response.response
        }
        table.add(.get, "/v1/calls/{callId}") { _, context in
            let call = try await services.offers.call(try context.uuidParameter("callId", what: "call"), shopperId: try context.requireShopper())
            return try APIResponse.json(CallView(call, status: "requested")).response
        }
    }
}
