/// Everything a merchant configures, validated as a whole.
///
/// The rules live in `init`, which only commands use: a profile read back from the log is
/// decoded field by field (synthesised `Codable`) and never re-validated, so events stored
/// under older, looser rules (an empty catalog, no agents, no country) still replay.
public struct MerchantProfile: Equatable, Sendable, Codable {
    public static let maxCatalogItems = 1_000
    public static let maxAgents = 100

    public let name: String
    public let currency: Currency
    public let catalog: [CatalogItem]
    public let agents: [SalesAgent]
    public let engagement: EngagementRules
    public let pricing: CallPricing
    /// Where the merchant trades; the storefront reads national phone numbers with it.
    /// Absent in events stored before it existed.
    public let country: Country?
    /// The web origins whose pages may embed the merchant's widget (CORS); absent or empty:
    /// none. Absent in events stored before the widget existed.
    public let allowedOrigins: [AllowedOrigin]?

    public init(name: String, currency: Currency, catalog: [CatalogItem], agents: [SalesAgent],
                engagement: EngagementRules, pricing: CallPricing, country: Country? = nil,
                allowedOrigins: [AllowedOrigin] = []) throws(DomainError) {
        guard (1...200).contains(name.count) else { throw .invalid("merchant name must be 1…200 characters") }
        guard !catalog.isEmpty else { throw .invalid("a merchant needs at least one catalog item") }
        guard catalog.count <= Self.maxCatalogItems else { throw .invalid("a catalog holds at most \(Self.maxCatalogItems) items") }
        guard !agents.isEmpty else { throw .invalid("add at least one sales agent: without one, no offer could be kept") }
        guard agents.count <= Self.maxAgents else { throw .invalid("at most \(Self.maxAgents) agents") }
        guard allowedOrigins.count <= AllowedOrigin.maxPerMerchant else {
            throw .invalid("at most \(AllowedOrigin.maxPerMerchant) allowed origins")
        }
        guard Set(allowedOrigins).count == allowedOrigins.count else { throw .invalid("an allowed origin appears twice") }
        var skus = Set<String>()
        for item in catalog {
            guard item.unitPrice.currency == currency else { throw .invalid("\(item.sku) is priced in \(item.unitPrice.currency), the merchant sells in \(currency)") }
            guard skus.insert(item.sku).inserted else { throw .invalid("sku \(item.sku) appears twice in the catalog") }
        }
        self.name = name
        self.currency = currency
        self.catalog = catalog
        self.agents = agents
        self.engagement = engagement
        self.pricing = pricing
        self.country = country
        self.allowedOrigins = allowedOrigins
    }

    /// Whether a page of `origin` (the browser's `Origin` header, as sent) may embed the widget.
    public func allows(origin: String) -> Bool {
        (allowedOrigins ?? []).contains { $0.value == origin }
    }

    public func item(_ sku: String) -> CatalogItem? { catalog.first { $0.sku == sku } }
}
