import Billing
import Domain
import Engine
import EventLog
import Foundation

/// Realistic shop traffic, made with Cartline's own deciders (so every event is one the
/// product could have written): shoppers set preferences and top up their wallets, open
/// carts and add items, some buy at once, the rest go idle and are evaluated (a tenth held
/// out), offered a call, accept it; calls are answered and end after 15 s … 10 min, or fail;
/// each is charged as its merchant's pricing says (a shopper's wallet, the merchant, or a
/// sponsor); a fifth of the called carts are then bought. Deterministic from its seed.
struct TrafficGenerator {
    struct Shop {
        let id: String
        let profile: MerchantProfile
    }

    /// A stream's events waiting to be appended, in order.
    private(set) var pending: [(stream: StreamName, events: [NewEvent])] = []
    private var pendingIndex: [String: Int] = [:]
    private(set) var pendingCount = 0
    private var random: SplitMix64
    private var clock: Date
    private var wallets: [UUID: WalletState] = [:]
    let shops: [Shop]

    init(seed: UInt64, start: Date) throws {
        random = SplitMix64(seed: seed)
        clock = start
        let eur = try Currency("EUR")
        let catalog = [
            try CatalogItem(sku: "espresso-machine", name: "Espresso machine", unitPrice: Money(amountMicros: 349_000_000, currency: eur)),
            try CatalogItem(sku: "grinder", name: "Burr grinder", unitPrice: Money(amountMicros: 129_500_000, currency: eur)),
            try CatalogItem(sku: "beans-1kg", name: "Espresso beans, 1 kg", unitPrice: Money(amountMicros: 24_900_000, currency: eur)),
        ]
        let rules = try EngagementRules(idleThresholdSeconds: 20, marginBasisPoints: 2_500, upliftBasisPoints: 1_500, expectedCallCostMicros: 0,
                                        minimumGainMicros: 0, cooldownSeconds: 3_600, holdoutBasisPoints: 1_000, offerTTLSeconds: 120)
        let agents = [try SalesAgent(name: "Dana", sipUri: "sip:dana@127.0.0.1:5092")]
        func shop(_ id: String, _ pricing: CallPricing) throws -> Shop {
            Shop(id: id, profile: try MerchantProfile(name: id, currency: eur, catalog: catalog, agents: agents, engagement: rules, pricing: pricing))
        }
        shops = [
            try shop("shop-wallet", try CallPricing(payer: .shopper, perMinuteMicros: 120_000, billingIncrementSeconds: 6, setupFeeMicros: 0,
                                                    platformFeeBasisPoints: 1_000)),
            try shop("shop-asp", try CallPricing(payer: .merchant, perMinuteMicros: 90_000, billingIncrementSeconds: 60, setupFeeMicros: 50_000,
                                                 monthlyCommitmentMicros: 100_000_000)),
            try shop("shop-sponsored", try CallPricing(payer: .shopper, perMinuteMicros: 150_000, billingIncrementSeconds: 1, setupFeeMicros: 0,
                                                       minimumChargeMicros: 100_000, platformFeeBasisPoints: 1_500,
                                                       sponsor: try SponsorRule(sponsorId: "acme-brand", minimumCartValueMicros: 300_000_000))),
        ]
    }

    /// Takes the events gathered so far (one request per stream, in order).
    mutating func drain() -> [AppendRequest] {
        defer { pending = []; pendingIndex = [:]; pendingCount = 0 }
        return pending.map { AppendRequest(stream: $0.stream, events: $0.events, expected: .any) }
    }

    /// One shopper's visit: preferences, a top-up, a cart and whatever follows.
    mutating func visit() throws {
        let shopperId = uuid()
        let shop = shops[Int(random.next() % UInt64(shops.count))]
        advance(seconds: 30)
        let preferences = try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:shopper@127.0.0.1", consent: true, quietHours: nil, timeZone: "UTC")
        let shopperEvents = Shopper.decide(.setPreferences(preferences, sealedPhone: nil), state: ShopperState(), now: clock)
        try add(.shopper(shopperId), shopperEvents)
        if shop.profile.pricing.payer == .shopper {
            try wallet(shopperId) { state, now in
                try Wallet.topUp(shopperId: shopperId, postingId: "topup:\(shopperId)", amountMicros: 20_000_000, currency: shop.profile.currency,
                                 state: state, now: now)
            }
        }
        // The cart.
        let cartId = uuid()
        var cart: CartState?
        func cartDo(_ command: CartCommand) throws {
            let events = try Cart.decide(command, state: cart, now: clock)
            cart = events.reduce(cart) { Cart.evolve($0, $1) }
            try add(.cart(cartId), events)
        }
        try cartDo(.open(cartId: cartId, shopperId: shopperId, merchantId: shop.id, currency: shop.profile.currency))
        for _ in 0..<(1 + Int(random.next() % 3)) {
            advance(seconds: 5)
            try cartDo(.addItem(shop.profile.catalog[Int(random.next() % UInt64(shop.profile.catalog.count))], quantity: 1 + Int(random.next() % 2)))
        }
        if chance(40) {
            try cartDo(.startCheckout)
            try cartDo(.completeCheckout(orderRef: "CL-\(cartId.uuidString.prefix(8))"))
            return
        }
        guard let idleCart = cart else { return }
        // Idle: evaluated, perhaps offered.
        advance(seconds: 25)
        var engagement = EngagementState()
        func engage(_ events: [EngagementEvent]) throws {
            engagement = events.reduce(engagement) { EngagementSaga.evolve($0, $1) }
            try add(.engagement(cartId), events)
        }
        let idled = EngagementSaga.markIdle(sinceVersion: 4, cartHasItems: true, state: engagement, now: clock)
        try engage(idled)
        let input = EngagementInput(cartId: cartId, cartValue: idleCart.total, itemCount: idleCart.itemCount, cartIsUnconcluded: true,
                                    preferences: shopperEvents.compactMap { if case .preferencesSet(let set) = $0 { set } else { nil } }.first,
                                    rules: shop.profile.engagement, offersMade: 0, lastDeclinedAt: nil, freeChannels: 4, now: clock)
        let terms = ChargeTerms.decide(pricing: shop.profile.pricing, currency: shop.profile.currency, cartValueMicros: idleCart.total.amountMicros)
        let offerId = uuid()
        try engage(EngagementSaga.decide(idled: uuid(), input: input, shopperId: shopperId, merchantId: shop.id, offerId: offerId,
                                         state: engagement, charge: terms))
        guard engagement.openOffer != nil, chance(60) else { return }
        advance(seconds: 10)
        let callId = uuid()
        try engage(try EngagementSaga.accept(offerId: offerId, callId: callId, cart: idleCart, preferences: preferences,
                                             agents: shop.profile.agents, state: engagement, now: clock))
        guard let request = engagement.call else { return }
        try call(request, terms: terms)
        if chance(20) {
            try cartDo(.startCheckout)
            try cartDo(.completeCheckout(orderRef: "CL-\(cartId.uuidString.prefix(8))"))
        }
    }

    /// The call's own stream and its charges.
    private mutating func call(_ request: CallRequested, terms: ChargeTerms) throws {
        let callId = request.callId
        var events: [CallEvent] = [.requested(request)]
        advance(seconds: 8)
        guard chance(85) else {
            events.append(.failed(CallFailed(callId: callId, reason: "no-answer", sipStatus: 480, at: clock)))
            try add(.call(callId), events)
            return
        }
        events.append(.answered(CallAnswered(callId: callId, at: clock)))
        if terms.payer == .shopper {
            let answeredAt = clock
            try wallet(request.shopperId) { state, _ in
                try Wallet.holdForCall(callId, shopperId: request.shopperId, merchantId: request.merchantId, terms: terms, state: state, now: answeredAt)
            }
        }
        let billable = Int64(15_000 + Int(random.next() % 585_000))
        advance(seconds: Double(billable) / 1_000 + 4)
        events.append(.ended(CallEnded(callId: callId, cause: "customer-hangup", sipStatus: nil, answeredMilliseconds: billable + 4_000,
                                       billableMilliseconds: billable, at: clock)))
        try add(.call(callId), events)
        switch terms.payer {
        case .shopper:
            let endedAt = clock
            try wallet(request.shopperId) { state, _ in
                try Wallet.settleCall(callId, billableMilliseconds: billable, shopperId: request.shopperId, merchantId: request.merchantId,
                                      terms: terms, state: state, now: endedAt)
            }
        case .merchant, .sponsor:
            let payer: ChargePlan.Payer = if case .sponsor(let id) = terms.payer { .sponsor(id) } else { .merchant }
            let plan = try ChargePlan(payer: payer, shopperId: request.shopperId, merchantId: request.merchantId,
                                      platformFeeBasisPoints: terms.platformFeeBasisPoints)
            let charge = try Wallet.metering(terms).charge(billableMilliseconds: billable).totalMicros
            if let posting = try plan.posting(postingId: "charge:\(callId.uuidString.lowercased())", callId: callId, chargeMicros: charge,
                                              currency: terms.currency, at: clock) {
                try add(.charges(callId), [WalletEvent.transferred(posting)])
            }
        }
    }

    private mutating func wallet(_ shopperId: UUID, _ decide: (WalletState, Date) throws -> [WalletEvent]) throws {
        let state = wallets[shopperId] ?? WalletState()
        let events = try decide(state, clock)
        wallets[shopperId] = events.reduce(state) { Wallet.evolve($0, $1) }
        try add(.wallet(shopperId), events)
        // A shopper visits once: their wallet need not stay in memory.
        if wallets.count > 10_000 { wallets.removeAll(keepingCapacity: true) }
    }

    private mutating func add<Event: LoggedEvent>(_ stream: StreamName, _ events: [Event]) throws {
        guard !events.isEmpty else { return }
        var encoded: [NewEvent] = []
        for event in events { encoded.append(try event.encodedForLog().newEvent(id: uuid())) }
        if let index = pendingIndex[stream.rawValue] {
            pending[index].events += encoded
        } else {
            pendingIndex[stream.rawValue] = pending.count
            pending.append((stream, encoded))
        }
        pendingCount += encoded.count
    }

    private mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
    private mutating func advance(seconds: Double) { clock = clock.addingTimeInterval(seconds) }

    private mutating func uuid() -> UUID {
        let (a, b) = (random.next(), random.next())
        return UUID(uuid: (UInt8(truncatingIfNeeded: a), UInt8(truncatingIfNeeded: a >> 8), UInt8(truncatingIfNeeded: a >> 16),
                           UInt8(truncatingIfNeeded: a >> 24), UInt8(truncatingIfNeeded: a >> 32), UInt8(truncatingIfNeeded: a >> 40),
                           UInt8(truncatingIfNeeded: (a >> 48) & 0x0F | 0x40), UInt8(truncatingIfNeeded: a >> 56),
                           UInt8(truncatingIfNeeded: b & 0x3F | 0x80), UInt8(truncatingIfNeeded: b >> 8), UInt8(truncatingIfNeeded: b >> 16),
                           UInt8(truncatingIfNeeded: b >> 24), UInt8(truncatingIfNeeded: b >> 32), UInt8(truncatingIfNeeded: b >> 40),
                           UInt8(truncatingIfNeeded: b >> 48), UInt8(truncatingIfNeeded: b >> 56)))
    }
}

/// A small, fast, seeded generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
