import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/wallet`: the session shopper's prepaid wallet, which pays for calls the merchant
/// bills to the shopper (a micropayment per call).
struct WalletRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/wallet") { _, context in
            let shopperId = try context.requireShopper()
            let wallet = try await services.wallets.wallet(of: shopperId)
            return try APIResponse.json(WalletView(wallet, shopperId: shopperId)).response
        }
        table.add(.post, "/v1/wallet/top-ups") { request, context in
            let shopperId = try context.requireShopper()
            let body = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
            let input = try JSONBody.decode(TopUpBody.self, from: body, allowedFields: TopUpBody.fields)
            let currency = try Currency(input.currency)
            return try await services.idempotency.run(request, scope: shopperId.uuidString, body: body) { ids in
                let wallet = try await services.wallets.topUp(shopperId: shopperId, amountMicros: input.amountMicros, currency: currency, eventIDs: ids)
                return try APIResponse.json(WalletView(wallet, shopperId: shopperId), status: .created)
            }.response
        }
    }
}
