import Domain
import Foundation
import Testing

@Suite("Contact preferences and merchants")
struct PreferencesTests {
    @Test func validPreferencesForEachMode() throws {
        let quiet = try QuietHours(start: "21:00", end: "08:00")
        _ = try ContactPreferences(mode: .pstn, phone: "+4930123456", sipUri: nil, consent: true, quietHours: quiet, timeZone: "Europe/Berlin")
        _ = try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:ann@example.net", consent: false, quietHours: nil, timeZone: nil)
    }

    @Test(arguments: [
        ("pstn", nil, nil, nil), ("pstn", "030123456", nil, nil), ("pstn", "+0123456789", nil, nil), ("pstn", "+49301234567890123", nil, nil),
        ("voip", nil, nil, nil), ("voip", nil, "ann@example.net", nil), ("voip", nil, "sip:@host", nil), ("voip", nil, "sip:a b@host", nil),
        ("pstn", "+4930123456", nil, "Mars/Olympus"),
    ] as [(String, String?, String?, String?)])
    func invalidPreferencesAreRefused(mode: String, phone: String?, sipUri: String?, timeZone: String?) throws {
        let mode = try #require(ContactPreferences.Mode(rawValue: mode))
        #expect(throws: DomainError.self) {
            try ContactPreferences(mode: mode, phone: phone, sipUri: sipUri, consent: true, quietHours: nil, timeZone: timeZone)
        }
    }

    @Test func thePhoneIsKeptAsE164AndTheTimeZoneAsItsIANAName() throws {
        let quiet = try QuietHours(start: "21:00", end: "08:00")
        let preferences = try ContactPreferences(mode: .pstn, phone: "030 123456", sipUri: nil, consent: true, quietHours: quiet,
                                                 timeZone: "berlin", defaultRegion: "DE")
        #expect(preferences.phone == "+4930123456")
        #expect(preferences.phoneNumber?.countryCode == "49")
        #expect(preferences.destination == "+4930123456")
        #expect(preferences.timeZone == "Europe/Berlin")
        let international = try ContactPreferences(mode: .pstn, phone: "+44 20 7946 0958", sipUri: nil, consent: true, quietHours: nil,
                                                   timeZone: nil)
        #expect(international.phone == "+442079460958")
    }

    @Test func quietHoursNeedATimeZoneAndTheRegionMustBeKnown() throws {
        let quiet = try QuietHours(start: "21:00", end: "08:00")
        #expect(throws: DomainError.invalid("quiet hours need your time zone; choose a city such as Europe/Berlin")) {
            try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:ann@example.net", consent: true, quietHours: quiet, timeZone: nil)
        }
        #expect(throws: DomainError.self) {
            try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:ann@example.net", consent: true, quietHours: nil, timeZone: nil,
                                   defaultRegion: "ZZ")
        }
        #expect(throws: DomainError.self) {
            try ContactPreferences(mode: .pstn, phone: "030 123456", sipUri: nil, consent: true, quietHours: nil, timeZone: nil)
        }
    }

    @Test func quietHoursMayWrapAroundMidnight() throws {
        let night = try QuietHours(start: "21:00", end: "08:00")
        #expect(night.contains(minuteOfDay: 22 * 60))
        #expect(night.contains(minuteOfDay: 7 * 60 + 59))
        #expect(!night.contains(minuteOfDay: 8 * 60))
        #expect(!night.contains(minuteOfDay: 12 * 60))
        let lunch = try QuietHours(start: "12:00", end: "13:00")
        #expect(lunch.contains(minuteOfDay: 12 * 60 + 30))
        #expect(!lunch.contains(minuteOfDay: 13 * 60))
        #expect(throws: DomainError.self) { try QuietHours(start: "25:00", end: "08:00") }
        #expect(throws: DomainError.self) { try QuietHours(start: "9:00", end: "08:00") }
    }

    @Test func withdrawingConsentKeepsTheRestOfThePreferences() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let preferences = try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:ann@example.net", consent: true, quietHours: nil, timeZone: nil)
        var state = ShopperState()
        for event in Shopper.decide(.setPreferences(preferences, sealedPhone: nil), state: state, now: now) { state = Shopper.evolve(state, event) }
        #expect(state.consent)
        for event in Shopper.decide(.withdrawConsent, state: state, now: now) { state = Shopper.evolve(state, event) }
        #expect(!state.consent)
        #expect(state.preferences?.sipUri == "sip:ann@example.net")
        #expect(Shopper.decide(.withdrawConsent, state: state, now: now).isEmpty, "withdrawing twice appends nothing")
    }

    @Test func merchantsAreValidatedAsAWholeAndKeepTheirCurrency() throws {
        let eur = try Currency("EUR")
        let rules = try EngagementRules(idleThresholdSeconds: 20, marginBasisPoints: 3_000, upliftBasisPoints: 1_500, expectedCallCostMicros: 500_000,
                                        minimumGainMicros: 0, cooldownSeconds: 3_600, holdoutBasisPoints: 0, offerTTLSeconds: 120)
        let pricing = try CallPricing(payer: .merchant, perMinuteMicros: 20_000, billingIncrementSeconds: 60, setupFeeMicros: 0)
        let item = try CatalogItem(sku: "TEA-1", name: "Teapot", unitPrice: Money(amountMicros: 1, currency: eur))
        let agent = try SalesAgent(name: "Ada", sipUri: "sip:ada@127.0.0.1:5070")
        let profile = try MerchantProfile(name: "Demo", currency: eur, catalog: [item], agents: [agent], engagement: rules, pricing: pricing)
        #expect(throws: DomainError.self) { try MerchantProfile(name: "Demo", currency: eur, catalog: [item, item], agents: [], engagement: rules, pricing: pricing) }
        #expect(throws: DomainError.self) { try EngagementRules(idleThresholdSeconds: 1, marginBasisPoints: 0, upliftBasisPoints: 0, expectedCallCostMicros: 0, minimumGainMicros: 0, cooldownSeconds: 0, holdoutBasisPoints: 0, offerTTLSeconds: 60) }
        #expect(throws: DomainError.self) { try Merchant.validateID("Demo Shop") }
        let now = Date()
        let state = try Merchant.decide(.register(merchantId: "demo", profile), state: nil, now: now).reduce(nil) { Merchant.evolve($0, $1) }
        #expect(state?.profile == profile)
        #expect(throws: DomainError.self) { try Merchant.decide(.register(merchantId: "demo", profile), state: state, now: now) }
        let usdItem = try CatalogItem(sku: "TEA-1", name: "Teapot", unitPrice: Money(amountMicros: 1, currency: try Currency("USD")))
        let usdProfile = try MerchantProfile(name: "Demo", currency: try Currency("USD"), catalog: [usdItem], agents: [agent], engagement: rules, pricing: pricing)
        #expect(throws: DomainError.self) { try Merchant.decide(.update(usdProfile), state: state, now: now) }
        #expect(try Merchant.decide(.update(profile), state: state, now: now).isEmpty, "an unchanged profile appends nothing")
    }
}
