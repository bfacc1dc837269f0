import Domain
import Foundation
import Testing

@Suite("Engagement: whether an idle cart gets a call offer")
struct EngagementTests {
    static let eur = try! Currency("EUR")
    /// 12:00 UTC on a weekday: 13:00 in Berlin, outside 21:00–08:00.
    static let noon = Date(timeIntervalSince1970: 1_764_072_000)

    static func rules(holdoutBasisPoints: Int = 0, minimumGainMicros: Int64 = 5_000_000) throws -> EngagementRules {
        try EngagementRules(idleThresholdSeconds: 20, marginBasisPoints: 2_500, upliftBasisPoints: 2_000, expectedCallCostMicros: 2_000_000,
                            minimumGainMicros: minimumGainMicros, cooldownSeconds: 3_600, holdoutBasisPoints: holdoutBasisPoints, offerTTLSeconds: 120)
    }

    static func preferences(consent: Bool = true, quiet: (String, String)? = ("21:00", "08:00"), timeZone: String? = "Europe/Berlin") throws -> PreferencesSet {
        let contact = try ContactPreferences(mode: .pstn, phone: "+4930123456", sipUri: nil, consent: consent,
                                             quietHours: try quiet.map { try QuietHours(start: $0.0, end: $0.1) }, timeZone: timeZone)
        guard case .preferencesSet(let set) = Shopper.decide(.setPreferences(contact, sealedPhone: "sealed"), state: ShopperState(), now: noon).first else {
            throw DomainError.invalid("no PreferencesSet")
        }
        return set
    }

    /// A cart worth 400 EUR: gain = 400 × 25% × 20% − 2 = 18 EUR, above the 5 EUR threshold.
    static func input(cartId: UUID = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, valueMicros: Int64 = 400_000_000,
                      itemCount: Int = 2, unconcluded: Bool = true, preferences: PreferencesSet?, rules: EngagementRules,
                      offersMade: Int = 0, lastDeclinedAt: Date? = nil, freeChannels: Int = 4, now: Date = noon) -> EngagementInput {
        EngagementInput(cartId: cartId, cartValue: Money(amountMicros: valueMicros, currency: eur), itemCount: itemCount,
                        cartIsUnconcluded: unconcluded, preferences: preferences, rules: rules, offersMade: offersMade,
                        lastDeclinedAt: lastDeclinedAt, freeChannels: freeChannels, now: now)
    }

    @Test func noOfferIsMadeThatCannotBeKept() throws {
        let base = Self.input(preferences: try Self.preferences(), rules: try Self.rules())
        let noAgent = EngagementInput(cartId: base.cartId, cartValue: base.cartValue, itemCount: base.itemCount, cartIsUnconcluded: true,
                                      preferences: base.preferences, rules: base.rules, offersMade: 0, lastDeclinedAt: nil,
                                      freeChannels: 4, agentCount: 0, now: base.now)
        #expect(Engagement.evaluate(noAgent).reasons == [.noAgent])
        let checkingOut = EngagementInput(cartId: base.cartId, cartValue: base.cartValue, itemCount: base.itemCount, cartIsUnconcluded: true,
                                          preferences: base.preferences, rules: base.rules, offersMade: 0, lastDeclinedAt: nil,
                                          freeChannels: 4, agentCount: 1, cartInCheckout: true, now: base.now)
        #expect(Engagement.evaluate(checkingOut).reasons == [.inCheckout])
    }

    @Test func aValuableIdleCartOfAConsentingShopperGetsAnOffer() throws {
        let decision = Engagement.evaluate(Self.input(preferences: try Self.preferences(), rules: try Self.rules()))
        #expect(decision == EngagementDecision(offer: true, reasons: [], expectedGainMicros: 18_000_000))
    }

    @Test(arguments: [
        (EngagementDecision.Reason.cartConcluded, 0), (.cartEmpty, 1), (.noConsent, 2), (.quietHours, 3), (.alreadyOffered, 4),
        (.coolingDown, 5), (.belowThreshold, 6), (.noCapacity, 7), (.noConsent, 8),
    ] as [(EngagementDecision.Reason, Int)])
    func eachRuleCanSayNo(reason: EngagementDecision.Reason, variant: Int) throws {
        let rules = try Self.rules()
        let prefs = try Self.preferences()
        let input: EngagementInput = switch variant {
        case 0: Self.input(unconcluded: false, preferences: prefs, rules: rules)
        case 1: Self.input(valueMicros: 0, itemCount: 0, preferences: prefs, rules: rules)
        case 2: Self.input(preferences: try Self.preferences(consent: false), rules: rules)
        case 3: Self.input(preferences: prefs, rules: rules, now: Self.noon.addingTimeInterval(9 * 3_600))  // 22:00 in Berlin
        case 4: Self.input(preferences: prefs, rules: rules, offersMade: 1)
        case 5: Self.input(preferences: prefs, rules: rules, lastDeclinedAt: Self.noon.addingTimeInterval(-600))
        case 6: Self.input(valueMicros: 100_000_000, preferences: prefs, rules: rules)  // 100 × 5% − 2 = 3 EUR
        case 7: Self.input(preferences: prefs, rules: rules, freeChannels: 0)
        default: Self.input(preferences: nil, rules: rules)  // preferences never set
        }
        let decision = Engagement.evaluate(input)
        #expect(!decision.offer)
        #expect(decision.reasons.contains(reason), "\(decision.reasons)")
    }

    @Test func theCooldownEndsAndQuietHoursFollowTheShoppersTimeZone() throws {
        let rules = try Self.rules()
        let prefs = try Self.preferences()
        #expect(Engagement.evaluate(Self.input(preferences: prefs, rules: rules, lastDeclinedAt: Self.noon.addingTimeInterval(-3_601))).offer)
        // 06:00 UTC is 07:00 in Berlin (quiet) but 01:00 in New York (also quiet) and 15:00 in Tokyo (not).
        let early = Self.noon.addingTimeInterval(-6 * 3_600)
        #expect(!Engagement.evaluate(Self.input(preferences: prefs, rules: rules, now: early)).offer)
        #expect(Engagement.evaluate(Self.input(preferences: try Self.preferences(timeZone: "Asia/Tokyo"), rules: rules, now: early)).offer)
        #expect(Engagement.evaluate(Self.input(preferences: try Self.preferences(quiet: nil), rules: rules, now: early)).offer)
    }

    @Test func theHoldoutIsAStableShareChosenFromTheCartId() throws {
        let rules = try Self.rules(holdoutBasisPoints: 1_000)
        let prefs = try Self.preferences()
        let carts = (0..<10_000).map { _ in UUID() }
        let held = carts.filter { Engagement.isHoldout($0, basisPoints: 1_000) }
        #expect((800...1_200).contains(held.count), "\(held.count) of 10000 held out at 10%")
        for cart in held.prefix(20) {
            let decision = Engagement.evaluate(Self.input(cartId: cart, preferences: prefs, rules: rules))
            #expect(decision.reasons == [.holdout])
            #expect(Engagement.isHoldout(cart, basisPoints: 1_000))  // the same answer every time
        }
        #expect(carts.allSatisfy { !Engagement.isHoldout($0, basisPoints: 0) })
        #expect(carts.allSatisfy { Engagement.isHoldout($0, basisPoints: 10_000) })
    }

    @Test func theExpectedGainNeverOverflows() throws {
        let rules = try EngagementRules(idleThresholdSeconds: 20, marginBasisPoints: 10_000, upliftBasisPoints: 10_000, expectedCallCostMicros: 0,
                                        minimumGainMicros: 0, cooldownSeconds: 0, holdoutBasisPoints: 0, offerTTLSeconds: 60)
        #expect(Engagement.expectedGainMicros(value: .max, rules: rules) == .max)
        #expect(Engagement.expectedGainMicros(value: 1_000_000, rules: try Self.rules()) == 50_000 - 2_000_000)
    }
}
