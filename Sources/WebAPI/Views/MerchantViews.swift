import Domain

/// One merchant in the public list (live merchants only).
struct MerchantSummaryView: Codable, Sendable {
    let id: String
    let name: String
    let currency: String
    /// ISO 3166-1 alpha-2, when the merchant set one: the storefront reads national phone numbers with it.
    let country: String?

    init(_ merchant: MerchantState) {
        self.id = merchant.id
        self.name = merchant.profile.name
        self.currency = merchant.profile.currency.code
        self.country = merchant.profile.country?.code
    }
}

struct MerchantListView: Codable, Sendable {
    let merchants: [MerchantSummaryView]
}

/// A merchant's catalog, public.
struct CatalogView: Codable, Sendable {
    struct Item: Codable, Sendable {
        let sku: String
        let name: String
        let unitPrice: MoneyView
    }

    let merchantId: String
    let currency: String
    let country: String?
    let items: [Item]

    init(_ merchant: MerchantState) {
        self.merchantId = merchant.id
        self.currency = merchant.profile.currency.code
        self.country = merchant.profile.country?.code
        self.items = merchant.profile.catalog.map { Item(sku: $0.sku, name: $0.name, unitPrice: MoneyView($0.unitPrice)) }
    }
}
