import Domain
import Engine
import Foundation

/// Whether a merchant trades: `live` merchants take carts and get offers, `retired` ones not.
enum MerchantStatusView: String, Codable, Sendable {
    case live, retired

    init(_ merchant: MerchantState) { self = merchant.isRetired ? .retired : .live }
}

/// A merchant as the admin API shows it: the body's fields, the version and the status.
struct MerchantAdminView: Codable, Sendable {
    let merchant: MerchantBody
    let version: Int64
    let status: MerchantStatusView
    let retiredAt: Date?

    init(_ merchant: Versioned<MerchantState>) {
        self.merchant = MerchantBody(merchantId: merchant.state.id, profile: merchant.state.profile)
        self.version = merchant.version
        self.status = MerchantStatusView(merchant.state)
        self.retiredAt = merchant.state.retiredAt
    }
}

/// `GET /v1/admin/merchants`: one page of merchants, live and retired, in registration order.
struct MerchantAdminListView: Codable, Sendable {
    struct Entry: Codable, Sendable {
        let id: String
        let name: String
        let currency: String
        let country: String?
        let status: MerchantStatusView
        let retiredAt: Date?
        let catalogItems: Int
        let agents: Int

        init(_ merchant: MerchantState) {
            self.id = merchant.id
            self.name = merchant.profile.name
            self.currency = merchant.profile.currency.code
            self.country = merchant.profile.country?.code
            self.status = MerchantStatusView(merchant)
            self.retiredAt = merchant.retiredAt
            self.catalogItems = merchant.profile.catalog.count
            self.agents = merchant.profile.agents.count
        }
    }

    let merchants: [Entry]
    /// Pass as `after` for the next page; absent on the last page.
    let nextAfter: String?
}
