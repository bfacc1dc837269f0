import Domain
import Foundation
import Testing

@Suite("Who pays for a call, and the pricing it is decided from")
struct ChargeTermsTests {
    static let eur = try! Currency("EUR")

    static func pricing(_ payer: CallPricing.Payer, sponsorAbove: Int64? = nil) throws -> CallPricing {
        try CallPricing(payer: payer, perMinuteMicros: 120_000, billingIncrementSeconds: 6, setupFeeMicros: 10_000,
                        minimumChargeMicros: 50_000, platformFeeBasisPoints: 1_000,
                        sponsor: try sponsorAbove.map { try SponsorRule(sponsorId: "acme-brand", minimumCartValueMicros: $0) })
    }

    @Test func theMerchantsPayerPaysUnlessTheSponsorsRuleHolds() throws {
        let below = ChargeTerms.decide(pricing: try Self.pricing(.shopper, sponsorAbove: 100_000_000), currency: Self.eur, cartValueMicros: 99_999_999)
        #expect(below.payer == .shopper)
        #expect(below.minimumChargeMicros == 50_000 && below.setupFeeMicros == 10_000 && below.platformFeeBasisPoints == 1_000)
        let above = ChargeTerms.decide(pricing: try Self.pricing(.shopper, sponsorAbove: 100_000_000), currency: Self.eur, cartValueMicros: 100_000_000)
        #expect(above.payer == .sponsor("acme-brand"))
        #expect(ChargeTerms.decide(pricing: try Self.pricing(.merchant), currency: Self.eur, cartValueMicros: 1).payer == .merchant)
    }

    @Test func payersAreStoredAsWordsAndBadOnesAreRefused() throws {
        for payer in [ChargeTerms.Payer.shopper, .merchant, .sponsor("acme-brand")] {
            let data = try JSONEncoder().encode(payer)
            #expect(try JSONDecoder().decode(ChargeTerms.Payer.self, from: data) == payer)
        }
        #expect(String(decoding: try JSONEncoder().encode(ChargeTerms.Payer.sponsor("x-y")), as: UTF8.self) == "\"sponsor:x-y\"")
        #expect(throws: DomainError.self) { try ChargeTerms.Payer("sponsor:") }
        #expect(throws: DomainError.self) { try ChargeTerms.Payer("bank") }
    }

    @Test func pricingStoredBeforeChargingDecodesWithItsDefaults() throws {
        let old = #"{"payer":"merchant","perMinuteMicros":120000,"billingIncrementSeconds":6,"setupFeeMicros":0}"#
        let pricing = try JSONDecoder().decode(CallPricing.self, from: Data(old.utf8))
        #expect(pricing.minimumChargeMicros == 0 && pricing.platformFeeBasisPoints == 0 && pricing.monthlyCommitmentMicros == 0)
        #expect(pricing.sponsor == nil)
    }

    @Test func badPricingIsRefusedWithAReason() {
        #expect(throws: DomainError.self) { try CallPricing(payer: .merchant, perMinuteMicros: 1, billingIncrementSeconds: 6, setupFeeMicros: 0, platformFeeBasisPoints: 10_001) }
        #expect(throws: DomainError.self) { try CallPricing(payer: .merchant, perMinuteMicros: 1, billingIncrementSeconds: 6, setupFeeMicros: 0, minimumChargeMicros: -1) }
        #expect(throws: DomainError.self) { try SponsorRule(sponsorId: "Acme Brand", minimumCartValueMicros: 0) }
    }
}
