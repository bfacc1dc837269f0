import Billing
import Domain
import EventLog
import Foundation
import PostgresNIO

/// The shopper's answers to call offers, and the calls they request. Accepting appends
/// `OfferAccepted` and `CallRequested` to the engagement stream, then `CallRequested` to a
/// new `call-<id>` stream; every id derives from the offer, so a retried accept (or one
/// cut short by a crash between the two appends) completes without a second call.
public struct OfferService: Sendable {
    let store: AggregateStore
    let merchants: MerchantDirectory
    let capacity: any ChannelCapacity
    public let clock: any WallClock
    /// Seals the destination (phone number, SIP URI) under the shopper's key before it
    /// reaches `CallRequested`; without one (engine tests) it is stored as given.
    let vault: PersonalDataVault?
    /// The browser gateway; nil: `browser`-mode calls are refused with the reason.
    let gateway: GatewaySettings?

    public init(store: AggregateStore, merchants: MerchantDirectory, capacity: any ChannelCapacity, clock: any WallClock,
                vault: PersonalDataVault? = nil, gateway: GatewaySettings? = nil) {
        self.vault = vault
        self.gateway = gateway
        self.store = store
        self.merchants = merchants
        self.capacity = capacity
        self.clock = clock
    }

    /// The offer, if it exists and belongs to the shopper (another shopper's is "no such offer").
    public func offer(_ offerId: UUID, shopperId: UUID) async throws -> CallOffered {
        let found = try await OfferQueries(log: store.log).offer(id: offerId)
        guard let found, found.shopperId == shopperId else { throw DomainError.notFound("no such offer") }
        return found
    }

    public func accept(_ offerId: UUID, shopperId: UUID, preferences: ContactPreferences?) async throws -> CallRequested {
        let offer = try await offer(offerId, shopperId: shopperId)
        if let shortfall = try await walletShortfall(offer.charge, shopperId: shopperId) { throw DomainError.rejected(shortfall) }
        let cart = try await store.load(CartAggregate.self, .cart(offer.cartId))
        guard let cartState = cart.state else { throw DomainError.notFound("no such cart") }
        let agents = try await merchants.merchant(offer.merchantId)?.profile.agents ?? []
        let callId = EventIDs.uuid(hashing: "call:\(offerId.uuidString)")
        let now = clock.now()
        let sealed = try await sealedDestination(of: preferences, shopperId: shopperId)
        let engagement = try await store.execute(EngagementAggregate.self, .engagement(offer.cartId),
                                                 eventIDs: .derived(from: "accept:\(offerId.uuidString)")) { state in
            try EngagementSaga.accept(offerId: offerId, callId: callId, cart: cartState, preferences: preferences,
                                      agents: agents, state: state, now: now, sealedDestination: sealed,
                                      browserVoiceAvailable: browserVoiceAvailable)
        }
        guard let call = engagement.state.call, call.callId == callId else { throw DomainError.rejected("the offer was not accepted") }
        try await openCallStream(call)
        BusinessMetrics.offer("accepted")
        return call
    }

    public func decline(_ offerId: UUID, shopperId: UUID) async throws {
        let offer = try await offer(offerId, shopperId: shopperId)
        let now = clock.now()
        try await store.execute(EngagementAggregate.self, .engagement(offer.cartId), eventIDs: .derived(from: "decline:\(offerId.uuidString)")) { state in
            try EngagementSaga.decline(offerId: offerId, state: state, now: now)
        }
        BusinessMetrics.offer("declined")
    }

    /// The shopper's offers still open (not answered, not expired), newest first.
    public func openOffers(shopperId: UUID) async throws -> [CallOffered] {
        let offers = try await OfferQueries(log: store.log).offers(ofShopper: shopperId, limit: 20)
        let now = clock.now()
        var open: [CallOffered] = []
        for offer in offers where offer.expiresAt > now {
            let state = try await store.load(EngagementAggregate.self, .engagement(offer.cartId)).state
            if state.openOffer?.offerId == offer.offerId { open.append(offer) }
        }
        return open
    }

    /// A call the shopper requested, folded from its stream (another shopper's is "no such call").
    public func call(_ callId: UUID, shopperId: UUID) async throws -> CallState {
        let state = try await store.load(CallAggregate.self, .call(callId)).state
        guard let request = state.request, request.shopperId == shopperId else { throw DomainError.notFound("no such call") }
        return state
    }

    /// The shopper cancels a call not yet connected: at once when no node has claimed it,
    /// else through its node (a `CallCancelRequested` the node carries out).
    public func cancelCall(_ callId: UUID, shopperId: UUID) async throws -> CallState {
        let now = clock.now()
        let result = try await store.execute(CallAggregate.self, .call(callId), eventIDs: .derived(from: "cancel:\(callId.uuidString)")) { state in
            guard let request = state.request, request.shopperId == shopperId else { throw DomainError.notFound("no such call") }
            return try Call.cancel(state, now: now)
        }
        if result.state.phase == .failed, result.state.failed?.reason == "shopper-cancelled" { BusinessMetrics.call("failed:shopper-cancelled") }
        return result.state
    }

    /// Carts looked at for the shopper's latest call: one call per cart, and a
    /// call outlives its cart's idle time by minutes, so the newest carts hold it.
    public static let maxCartsForLatestCall = 10

    /// The shopper's most recent call that is under way, or that finished at or after
    /// `finishedSince` (nil: only one under way) — what every tab shows, after a reload too:
    /// "Call ended after 3 min 12 s" stays in view for a while.
    public func latestCall(shopperId: UUID, finishedSince: Date?) async throws -> CallState? {
        let cartIds = try await CartDirectory(log: store.log).cartIDs(of: shopperId).prefix(Self.maxCartsForLatestCall)
        var latest: CallState?
        for cartId in cartIds {
            guard let requested = try await store.load(EngagementAggregate.self, .engagement(cartId)).state.call else { continue }
            let state = try await store.load(CallAggregate.self, .call(requested.callId)).state
            guard let request = state.request, request.shopperId == shopperId else { continue }
            if state.isFinished {
                guard let finishedSince, let over = state.ended?.at ?? state.failed?.at, over >= finishedSince else { continue }
            }
            if let known = latest?.request, known.at >= request.at { continue }
            latest = state
        }
        return latest
    }
}

extension OfferService {
    /// Why the shopper's wallet cannot pay for a call on `terms`, or nil when it can (or the
    /// shopper does not pay). A call the wallet cannot pay for even its first step would be
    /// ended the moment the agent joins: better said before it is placed.
    func walletShortfall(_ terms: ChargeTerms?, shopperId: UUID) async throws -> String? {
        guard let terms, terms.payer == .shopper else { return nil }
        let least = try Wallet.metering(terms).charge(billableSeconds: 1).totalMicros
        guard least > 0 else { return nil }
        let wallet = try await store.load(WalletAggregate.self, .wallet(shopperId)).state
        let available = wallet.availableMicros(of: shopperId, terms.currency)
        guard available < least else { return nil }
        return "your wallet holds \(Money(amountMicros: max(0, available), currency: terms.currency)) and a call costs at least "
            + "\(Money(amountMicros: least, currency: terms.currency)): top it up first"
    }
}
