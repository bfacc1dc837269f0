import Domain

/// `POST /v1/admin/merchants` and `PUT /v1/admin/merchants/{merchantId}`: plain fields,
/// turned into a validated `MerchantProfile` by Domain's initialisers.
struct MerchantBody: Codable, Sendable {
    static let fields: Set<String> = ["merchantId", "name", "currency", "country", "catalog", "agents", "engagement", "pricing",
                                       "allowedOrigins"]

    struct Item: Codable, Sendable {
        let sku: String
        let name: String
        let unitPriceMicros: Int64
    }

    struct Agent: Codable, Sendable {
        let name: String
        let sipUri: String
    }

    struct Engagement: Codable, Sendable {
        let idleThresholdSeconds: Int
        let marginBasisPoints: Int
        let upliftBasisPoints: Int
        let expectedCallCostMicros: Int64
        let minimumGainMicros: Int64
        let cooldownSeconds: Int
        let holdoutBasisPoints: Int
        let offerTTLSeconds: Int
    }

    struct Pricing: Codable, Sendable {
        let payer: String
        let perMinuteMicros: Int64
        let billingIncrementSeconds: Int
        let setupFeeMicros: Int64
        // Optional: absent means 0 / no sponsor, as for merchants registered before charging.
        let minimumChargeMicros: Int64?
        let platformFeeBasisPoints: Int?
        let monthlyCommitmentMicros: Int64?
        let sponsor: Sponsor?
        let settlementThresholdMicros: Int64?
    }

    struct Sponsor: Codable, Sendable {
        let sponsorId: String
        let minimumCartValueMicros: Int64
    }

    let merchantId: String?
    let name: String
    let currency: String
    /// ISO 3166-1 alpha-2; optional.
    let country: String?
    let catalog: [Item]
    let agents: [Agent]
    let engagement: Engagement
    let pricing: Pricing
    /// Web origins whose pages may embed the widget; optional (none).
    let allowedOrigins: [String]?

    func profile() throws(DomainError) -> MerchantProfile {
        let currency = try Currency(currency)
        var merchantCountry: Country?
        if let country { merchantCountry = try Country(country) }
        var items: [CatalogItem] = []
        for item in catalog {
            items.append(try CatalogItem(sku: item.sku, name: item.name, unitPrice: Money(amountMicros: item.unitPriceMicros, currency: currency)))
        }
        var salesAgents: [SalesAgent] = []
        for agent in agents { salesAgents.append(try SalesAgent(name: agent.name, sipUri: agent.sipUri)) }
        let rules = try EngagementRules(
            idleThresholdSeconds: engagement.idleThresholdSeconds, marginBasisPoints: engagement.marginBasisPoints,
            upliftBasisPoints: engagement.upliftBasisPoints, expectedCallCostMicros: engagement.expectedCallCostMicros,
            minimumGainMicros: engagement.minimumGainMicros, cooldownSeconds: engagement.cooldownSeconds,
            holdoutBasisPoints: engagement.holdoutBasisPoints, offerTTLSeconds: engagement.offerTTLSeconds)
        guard let payer = CallPricing.Payer(rawValue: pricing.payer) else { throw .invalid("pricing.payer must be shopper or merchant") }
        let sponsor = try pricing.sponsor.map { sponsor throws(DomainError) in
            try SponsorRule(sponsorId: sponsor.sponsorId, minimumCartValueMicros: sponsor.minimumCartValueMicros)
        }
        let callPricing = try CallPricing(payer: payer, perMinuteMicros: pricing.perMinuteMicros,
                                          billingIncrementSeconds: pricing.billingIncrementSeconds, setupFeeMicros: pricing.setupFeeMicros,
                                          minimumChargeMicros: pricing.minimumChargeMicros ?? 0,
                                          platformFeeBasisPoints: pricing.platformFeeBasisPoints ?? 0,
                                          monthlyCommitmentMicros: pricing.monthlyCommitmentMicros ?? 0, sponsor: sponsor,
                                          settlementThresholdMicros: pricing.settlementThresholdMicros ?? 0)
        var origins: [AllowedOrigin] = []
        for origin in allowedOrigins ?? [] { origins.append(try AllowedOrigin(origin)) }
        return try MerchantProfile(name: name, currency: currency, catalog: items, agents: salesAgents, engagement: rules, pricing: callPricing,
                                   country: merchantCountry, allowedOrigins: origins)
    }

    init(merchantId: String?, profile: MerchantProfile) {
        self.merchantId = merchantId
        self.name = profile.name
        self.currency = profile.currency.code
        self.country = profile.country?.code
        self.catalog = profile.catalog.map { Item(sku: $0.sku, name: $0.name, unitPriceMicros: $0.unitPrice.amountMicros) }
        self.agents = profile.agents.map { Agent(name: $0.name, sipUri: $0.sipUri) }
        self.allowedOrigins = (profile.allowedOrigins ?? []).map(\.value)
        let rules = profile.engagement
        self.engagement = Engagement(
            idleThresholdSeconds: rules.idleThresholdSeconds, marginBasisPoints: rules.marginBasisPoints, upliftBasisPoints: rules.upliftBasisPoints,
            expectedCallCostMicros: rules.expectedCallCostMicros, minimumGainMicros: rules.minimumGainMicros, cooldownSeconds: rules.cooldownSeconds,
            holdoutBasisPoints: rules.holdoutBasisPoints, offerTTLSeconds: rules.offerTTLSeconds)
        let pricing = profile.pricing
        self.pricing = Pricing(payer: pricing.payer.rawValue, perMinuteMicros: pricing.perMinuteMicros,
                               billingIncrementSeconds: pricing.billingIncrementSeconds, setupFeeMicros: pricing.setupFeeMicros,
                               minimumChargeMicros: pricing.minimumChargeMicros, platformFeeBasisPoints: pricing.platformFeeBasisPoints,
                               monthlyCommitmentMicros: pricing.monthlyCommitmentMicros,
                               sponsor: pricing.sponsor.map { Sponsor(sponsorId: $0.sponsorId, minimumCartValueMicros: $0.minimumCartValueMicros) },
                               settlementThresholdMicros: pricing.settlementThresholdMicros)
    }
}
