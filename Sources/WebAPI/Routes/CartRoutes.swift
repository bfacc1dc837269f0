import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/carts…`: a shopper's carts. Every change is a Cart decision appended to the log;
/// answers carry the cart's version as `ETag`, and `If-Match` makes a change conditional.
struct CartRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.post, "/v1/carts") { request, context in try await open(request, context).response }
        table.add(.get, "/v1/carts") { _, context in
            let carts = try await services.carts.carts(of: try context.requireShopper())
            return try APIResponse.json(CartListView(carts: carts.map(CartView.init))).response
        }
        table.add(.get, "/v1/carts/{cartId}") { _, context in
            let cart = try await services.carts.cart(try context.uuidParameter("cartId", what: "cart"), shopperId: try context.requireShopper())
            return try APIResponse.json(CartView(cart), etag: cart.version).response
        }
        table.add(.post, "/v1/carts/{cartId}/items") { request, context in
            let limit = services.configuration.maxBodyBytes
            let body = try await JSONBody.bytes(of: request, limit: limit)
            let input = try JSONBody.decode(AddItemBody.self, from: body, allowedFields: AddItemBody.fields)
            return try await change(request, context, body: body) { cartId, shopperId, condition, ids in
                try await services.carts.addItem(cartId: cartId, shopperId: shopperId, sku: input.sku, quantity: input.quantity,
                                                 condition: condition, eventIDs: ids)
            }
        }
        table.add(.patch, "/v1/carts/{cartId}/items/{sku}") { request, context in
            let body = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
            let input = try JSONBody.decode(QuantityBody.self, from: body, allowedFields: QuantityBody.fields)
            let sku = try context.stringParameter("sku")
            return try await change(request, context, body: body, command: .changeQuantity(sku: sku, quantity: input.quantity))
        }
        table.add(.delete, "/v1/carts/{cartId}/items/{sku}") { request, context in
            try await change(request, context, body: Data(), command: .removeItem(sku: try context.stringParameter("sku")))
        }
        table.add(.post, "/v1/carts/{cartId}/checkout") { request, context in
            let body = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
            if !body.isEmpty { _ = try JSONBody.decode(EmptyBody.self, from: body, allowedFields: []) }
            return try await change(request, context, body: body, command: .startCheckout)
        }
        table.add(.post, "/v1/carts/{cartId}/checkout/complete") { request, context in
            let body = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
            let input: CompleteCheckoutBody? = body.isEmpty ? nil : try JSONBody.decode(CompleteCheckoutBody.self, from: body, allowedFields: CompleteCheckoutBody.fields)
            let cartId = try context.uuidParameter("cartId", what: "cart")
            let orderRef = input?.orderRef ?? CompleteCheckoutBody.assignedOrderRef(cartId: cartId)
            return try await change(request, context, body: body, command: .completeCheckout(orderRef: orderRef))
        }
    }

    private func open(_ request: Request, _ context: ShopperRequestContext) async throws -> APIResponse {
        let shopperId = try context.requireShopper()
        let body = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
        let input = try JSONBody.decode(OpenCartBody.self, from: body, allowedFields: OpenCartBody.fields)
        return try await services.idempotency.run(request, scope: shopperId.uuidString, body: body) { ids in
            // A keyed retry opens the same cart id, so it finds the cart it made the first time.
            let cartId = if case .derived = ids { ids.id(at: -1) } else { UUID() }
            let cart = try await services.carts.open(cartId: cartId, shopperId: shopperId, merchantId: input.merchantId, eventIDs: ids)
            var response = try APIResponse.json(CartView(cart), status: .created, etag: cart.version)
            response.headers["Location"] = "/v1/carts/\(cart.state.id.uuidString.lowercased())"
            return response
        }
    }

    private func change(_ request: Request, _ context: ShopperRequestContext, body: Data, command: CartCommand) async throws -> Response {
        try await change(request, context, body: body) { cartId, shopperId, condition, ids in
            try await services.carts.change(cartId: cartId, shopperId: shopperId, command: command, condition: condition, eventIDs: ids)
        }
    }

    private func change(
        _ request: Request, _ context: ShopperRequestContext, body: Data,
        _ work: @escaping (UUID, UUID, WriteCondition, EventIDs) async throws -> Versioned<CartState>
    ) async throws -> Response {
        let shopperId = try context.requireShopper()
        let cartId = try context.uuidParameter("cartId", what: "cart")
        let condition = try ETag.condition(from: request)
        return try await services.idempotency.run(request, scope: shopperId.uuidString, body: body) { ids in
            let cart = try await work(cartId, shopperId, condition, ids)
            return try APIResponse.json(CartView(cart), etag: cart.version)
        }.response
    }
}

struct EmptyBody: Decodable {}
