import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/merchants…`: the public list of live merchants and their catalogs.
struct MerchantRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/merchants") { _, _ in
            let merchants = try await services.merchants.live()
            return try APIResponse.json(MerchantListView(merchants: merchants.map(MerchantSummaryView.init))).response
        }
        table.add(.get, "/v1/merchants/{merchantId}/catalog") { _, context in
            let id = try context.stringParameter("merchantId")
            guard let merchant = try await services.merchants.versioned(id).state else { throw Problem.notFound("no merchant \(id)") }
            guard !merchant.isRetired else {
                throw Problem(.gone, "merchant-retired", title: "Merchant retired", detail: "merchant \(id) has retired and sells nothing any more")
            }
            return try APIResponse.json(CatalogView(merchant)).response
        }
    }
}
