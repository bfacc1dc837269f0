import Domain
import Foundation
import Testing

@Suite("Merchant settings: currencies, countries, catalog, agents, retirement")
struct MerchantSettingsTests {
    let eur = try! Currency("EUR")
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var rules: EngagementRules {
        try! EngagementRules(idleThresholdSeconds: 60, marginBasisPoints: 2_500, upliftBasisPoints: 1_500, expectedCallCostMicros: 2_000_000,
                             minimumGainMicros: 5_000_000, cooldownSeconds: 3_600, holdoutBasisPoints: 0, offerTTLSeconds: 120)
    }
    var pricing: CallPricing { try! CallPricing(payer: .merchant, perMinuteMicros: 120_000, billingIncrementSeconds: 6, setupFeeMicros: 0) }
    var grinder: CatalogItem { try! CatalogItem(sku: "grinder", name: "Grinder", unitPrice: Money(amountMicros: 129_500_000, currency: eur)) }
    var dana: SalesAgent { try! SalesAgent(name: "Dana", sipUri: "sip:dana@127.0.0.1:5070") }

    func profile(catalog: [CatalogItem]? = nil, agents: [SalesAgent]? = nil, country: Country? = nil) throws(DomainError) -> MerchantProfile {
        try MerchantProfile(name: "Demo", currency: eur, catalog: catalog ?? [grinder], agents: agents ?? [dana], engagement: rules,
                            pricing: pricing, country: country)
    }

    @Test func currenciesComeFromTheISO4217TableWithTheirMinorUnits() throws {
        #expect(try Currency("EUR").minorUnits == 2)
        #expect(try Currency("JPY").minorUnits == 0)
        #expect(try Currency("BHD").minorUnits == 3)
        #expect(try Currency("USD").code == "USD")
        #expect(throws: DomainError.invalid("XYZ is not an ISO 4217 currency code (e.g. EUR, USD, GBP)")) { try Currency("XYZ") }
        #expect(throws: DomainError.self) { try Currency("HRK") }  // withdrawn in 2023
        #expect(throws: DomainError.self) { try Currency("XAU") }  // gold: nothing is sold in it
        // Lower case is refused as before, now with the fix in the message.
        #expect(throws: DomainError.invalid("currency codes are written in capitals: EUR, not 'eur'")) { try Currency("eur") }
        #expect(throws: DomainError.self) { try Currency("euro") }
        #expect(throws: DomainError.self) { try Currency("") }
        #expect(Currency.iso4217MinorUnits.keys.allSatisfy { $0.count == 3 && $0.uppercased() == $0 })
    }

    @Test func aCurrencyInAnOldEventDecodesEvenIfTheTableNoLongerHasIt() throws {
        // Events store the bare code; replay must not fail because the table is stricter now.
        let decoded = try JSONDecoder().decode([Currency].self, from: Data(#"["EUR","XYZ"]"#.utf8))
        #expect(decoded.map(\.code) == ["EUR", "XYZ"])
        #expect(try JSONEncoder().encode(decoded) == Data(#"["EUR","XYZ"]"#.utf8))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Currency].self, from: Data(#"["euro"]"#.utf8)) }
    }

    @Test func countriesAreAssignedISO3166Alpha2Codes() throws {
        #expect(Country.iso3166Alpha2.count == 249)
        #expect(try Country("DE").code == "DE")
        #expect(try Country("GB").code == "GB")
        #expect(throws: DomainError.invalid("UK is not an ISO 3166-1 alpha-2 country code (e.g. DE, FR, GB)")) { try Country("UK") }
        #expect(throws: DomainError.invalid("country codes are written in capitals: DE, not 'de'")) { try Country("de") }
        #expect(throws: DomainError.self) { try Country("DEU") }
        #expect(try profile(country: try Country("FR")).country?.code == "FR")
        #expect(try profile().country == nil)
    }

    @Test func aMerchantNeedsACatalogItemAndASalesAgent() throws {
        #expect(throws: DomainError.invalid("a merchant needs at least one catalog item")) { try profile(catalog: []) }
        #expect(throws: DomainError.invalid("add at least one sales agent: without one, no offer could be kept")) { try profile(agents: []) }
        #expect(try profile().catalog.count == 1)
    }

    @Test func profilesStoredUnderOlderRulesStillDecode() throws {
        // A MerchantRegistered body from before the catalog, agent and country rules.
        let old = """
            {"name":"Old shop","currency":"XYZ","catalog":[],"agents":[],
             "engagement":{"idleThresholdSeconds":60,"marginBasisPoints":2500,"upliftBasisPoints":1500,"expectedCallCostMicros":0,
                           "minimumGainMicros":0,"cooldownSeconds":3600,"holdoutBasisPoints":0,"offerTTLSeconds":120},
             "pricing":{"payer":"merchant","perMinuteMicros":0,"billingIncrementSeconds":1,"setupFeeMicros":0}}
            """
        let decoded = try JSONDecoder().decode(MerchantProfile.self, from: Data(old.utf8))
        #expect(decoded.catalog.isEmpty && decoded.agents.isEmpty && decoded.country == nil)
        // A new profile without a country stores no country key: old readers see what they knew.
        let encoded = String(decoding: try JSONEncoder().encode(try profile()), as: UTF8.self)
        #expect(!encoded.contains("country"))
        let withCountry = try profile(country: try Country("DE"))
        #expect(try JSONDecoder().decode(MerchantProfile.self, from: try JSONEncoder().encode(withCountry)) == withCountry)
    }

    @Test func retiringIsIdempotentAndEndsChanges() throws {
        let registered = try Merchant.decide(.register(merchantId: "demo", try profile()), state: nil, now: now)
        let live = try #require(registered.reduce(nil) { Merchant.evolve($0, $1) })
        #expect(!live.isRetired)
        let retiring = try Merchant.decide(.retire, state: live, now: now)
        guard retiring.count == 1, case .retired(let event) = retiring[0] else { Issue.record("expected MerchantRetired, got \(retiring)"); return }
        #expect(event.merchantId == "demo" && event.at == now)
        let retired = try #require(retiring.reduce(live) { Merchant.evolve($0, $1) })
        #expect(retired.isRetired && retired.retiredAt == now)
        #expect(retired.profile == live.profile)
        #expect(try Merchant.decide(.retire, state: retired, now: now.addingTimeInterval(60)).isEmpty, "a second retire appends nothing")
        #expect(throws: DomainError.self) { try Merchant.decide(.update(try profile(country: try Country("DE"))), state: retired, now: now) }
        #expect(throws: DomainError.notFound("no such merchant")) { try Merchant.decide(.retire, state: nil, now: now) }
    }
}
