import Foundation

/// The engagement of one cart: what was evaluated and offered. Pure: the saga in `Engine`
/// gathers the input and appends what `decide` returns.
public struct EngagementState: Equatable, Sendable {
    public var evaluatedCauses: Set<UUID> = []
    public var offersMade = 0
    public var openOffer: CallOffered?
    public var lastDeclinedAt: Date?
    public var acceptedOffers: Set<UUID> = []
    public var call: CallRequested?
    /// When the latest help request promised a callback (nil once a call is requested).
    public var pendingCallbackAt: Date?
    /// Cart versions already marked idle (each is marked once).
    public var idledVersions: Set<Int64> = []
    /// The latest evaluation, and the evaluations already looked at again.
    public var lastEvaluation: EngagementEvaluated?
    public var reconsideredEvaluations: Set<UUID> = []

    public init() {}
}

public enum EngagementSaga {
    /// Marks the cart idle since `sinceVersion` — once per version; an empty cart never idles.
    public static func markIdle(sinceVersion: Int64, cartHasItems: Bool, state: EngagementState, now: Date) -> [EngagementEvent] {
        guard cartHasItems, !state.idledVersions.contains(sinceVersion) else { return [] }
        return [.idled(CartIdled(at: now, idleSinceVersion: sinceVersion))]
    }

    /// Looks at an idle cart again once what alone stood in the way has passed (the latest
    /// evaluation's `reconsiderAt`): a second `CartIdled` for the same cart version, naming
    /// the evaluation, which the saga answers as it answers any idle mark — under every rule.
    /// Once per evaluation; never after an offer or a call; only while the cart is as it was.
    public static func reconsider(cartVersion: Int64, cartHasItems: Bool, state: EngagementState, now: Date) -> [EngagementEvent] {
        guard cartHasItems, state.offersMade == 0, state.call == nil, state.idledVersions.contains(cartVersion),
              let last = state.lastEvaluation, let due = last.reconsiderAt, due <= now,
              !state.reconsideredEvaluations.contains(last.cause) else { return [] }
        return [.idled(CartIdled(at: now, idleSinceVersion: cartVersion, reconsidering: last.cause))]
    }

    /// Answers a `CartIdled` (`cause`): evaluates the rules once per cause and, when they
    /// say yes, offers a call that expires after the merchant's offer TTL. `offerId` is
    /// passed in (derived from the cause by the caller) so a retry offers the same id.
    /// `charge` is what the call would cost and who pays, which the offer shows the shopper.
    public static func decide(idled cause: UUID, input: EngagementInput, shopperId: UUID, merchantId: String,
                              offerId: UUID, state: EngagementState, charge: ChargeTerms? = nil) -> [EngagementEvent] {
        guard !state.evaluatedCauses.contains(cause) else { return [] }
        let decision = Engagement.evaluate(input)
        var reconsiderAt: Date?
        if !decision.offer, decision.reasons == [.quietHours], let preferences = input.preferences, let quiet = preferences.quietHours {
            reconsiderAt = quietHoursEnd(quiet, timeZone: preferences.timeZone, after: input.now)
        }
        var events: [EngagementEvent] = [.evaluated(EngagementEvaluated(cartId: input.cartId, cause: cause, decision: decision,
                                                                        at: input.now, reconsiderAt: reconsiderAt))]
        if decision.offer {
            events.append(.offered(CallOffered(
                offerId: offerId, cartId: input.cartId, shopperId: shopperId, merchantId: merchantId, cause: cause,
                expiresAt: input.now.addingTimeInterval(Double(input.rules.offerTTLSeconds)), at: input.now, charge: charge)))
        }
        return events
    }

    public static func evolve(_ state: EngagementState, _ event: EngagementEvent) -> EngagementState {
        var state = state
        switch event {
        case .idled(let idled):
            state.idledVersions.insert(idled.idleSinceVersion)
            if let evaluation = idled.reconsidering { state.reconsideredEvaluations.insert(evaluation) }
        case .evaluated(let evaluated):
            state.evaluatedCauses.insert(evaluated.cause)
            state.lastEvaluation = evaluated
        case .offered(let offered):
            state.offersMade += 1
            state.openOffer = offered
        case .declined(let declined):
            if state.openOffer?.offerId == declined.offerId { state.openOffer = nil }
            state.lastDeclinedAt = declined.at
        case .accepted(let accepted):
            if state.openOffer?.offerId == accepted.offerId { state.openOffer = nil }
            state.acceptedOffers.insert(accepted.offerId)
        case .callRequested(let call):
            state.call = call
            state.pendingCallbackAt = nil
        case .helpRequested(let help):
            state.pendingCallbackAt = help.action == "callback" ? help.callbackAt : nil
        case .expired(let expired):
            if state.openOffer?.offerId == expired.offerId { state.openOffer = nil }
        }
        return state
    }

    /// The shopper accepts `offerId`: only an open, unexpired offer of a cart still
    /// unconcluded; the destination comes from the preferences (PSTN → the E.164 number,
    /// VoIP → the SIP URI, browser → the call itself, `BrowserLeg`) and the merchant's first
    /// sales agent takes the call. `sealedDestination` is that destination sealed under the
    /// shopper's key, which is what the event stores (personal data never sits in clear in
    /// the log). `browserVoiceAvailable`: whether the WebRTC gateway is configured.
    public static func accept(offerId: UUID, callId: UUID, cart: CartState, preferences: ContactPreferences?,
                              agents: [SalesAgent], state: EngagementState, now: Date,
                              sealedDestination: String? = nil, browserVoiceAvailable: Bool = true) throws(DomainError) -> [EngagementEvent] {
        if state.acceptedOffers.contains(offerId) { return [] }  // a retried accept
        guard let offer = state.openOffer, offer.offerId == offerId else { throw .rejected("the offer is no longer open") }
        guard now < offer.expiresAt else { throw .rejected("the offer expired") }
        guard cart.status != .completed, !cart.lines.isEmpty else { throw .rejected("the purchase is already concluded") }
        guard cart.status != .checkingOut else { throw .rejected("you are checking out: finish your purchase, or go back to your cart to talk first") }
        guard let preferences else { throw .rejected("set how we may reach you (preferences) first") }
        guard preferences.consent else { throw .rejected("calls need your consent (preferences)") }
        let route: Route
        switch Self.route(preferences, callId: callId, sealedDestination: sealedDestination, browserVoiceAvailable: browserVoiceAvailable, now: now) {
        case .success(let found): route = found
        case .failure(let why): throw .rejected(why.reason)
        }
        guard let agent = agents.first else { throw .rejected("the merchant has no sales agent to take the call") }
        guard !agent.answersInConsole || browserVoiceAvailable else { throw .rejected(Self.consoleAgentUnavailable) }
        let call = CallRequested(callId: callId, offerId: offerId, cartId: cart.id, shopperId: cart.shopperId, merchantId: cart.merchantId,
                                 mode: preferences.mode, destination: route.destination, agentName: agent.name,
                                 agentSipUri: agent.sipUri, at: now, charge: offer.charge, joinExpiresAtUnixSeconds: route.joinExpiry,
                                 agentJoinExpiresAtUnixSeconds: Self.agentJoinExpiry(agent, now: now))
        return [.accepted(OfferAccepted(offerId: offerId, mode: preferences.mode, callId: callId, at: now)), .callRequested(call)]
    }

    /// What the shopper's help request (or click-to-call) leads to.
    public enum HelpOutcome: Equatable, Sendable {
        case call(CallRequested)
        case callback(at: Date, reason: String)
        case explain(String)
    }

    /// Interprets a help request from the cart and the preferences: call now; or, in quiet
    /// hours or without a free channel, a callback and when; or why not (no consent, no
    /// preferences, nothing in the cart). A cart that already has a call keeps that call.
    ///
    /// A cart has one call at a time: help while it is under way answers with that call;
    /// once it is over (`finishedCall` names it), help asks for a new one — the shopper's
    /// "try again". `callId` is the id for a new call.
    public static func help(via: String, callId: UUID, cart: CartState, preferences: ContactPreferences?, agents: [SalesAgent],
                            freeChannels: Int, state: EngagementState, now: Date,
                            sealedDestination: String? = nil, finishedCall: UUID? = nil,
                            charge: ChargeTerms? = nil, browserVoiceAvailable: Bool = true) -> (HelpOutcome, [EngagementEvent]) {
        if let call = state.call, call.callId != finishedCall { return (.call(call), []) }
        func record(_ outcome: HelpOutcome) -> (HelpOutcome, [EngagementEvent]) {
            switch outcome {
            case .call(let call):
                return (outcome, [.helpRequested(HelpRequested(action: "call", reason: nil, callbackAt: nil, via: via, at: now)), .callRequested(call)])
            case .callback(let at, let reason):
                return (outcome, [.helpRequested(HelpRequested(action: "callback", reason: reason, callbackAt: at, via: via, at: now))])
            case .explain(let reason):
                return (outcome, [.helpRequested(HelpRequested(action: "explain", reason: reason, callbackAt: nil, via: via, at: now))])
            }
        }
        guard cart.status != .completed, !cart.lines.isEmpty else { return record(.explain("your cart is empty or the purchase is concluded")) }
        guard let preferences else { return record(.explain("tell us how to reach you first (preferences)")) }
        guard preferences.consent else { return record(.explain("you have not agreed to be called (preferences)")) }
        let route: Route
        switch Self.route(preferences, callId: callId, sealedDestination: sealedDestination, browserVoiceAvailable: browserVoiceAvailable, now: now) {
        case .success(let found): route = found
        case .failure(let why): return record(.explain(why.reason))
        }
        guard let agent = agents.first else { return record(.explain("no sales agent is available at this shop")) }
        guard !agent.answersInConsole || browserVoiceAvailable else { return record(.explain(Self.consoleAgentUnavailable)) }
        if let quiet = preferences.quietHours, let end = quietHoursEnd(quiet, timeZone: preferences.timeZone, after: now) {
            return record(.callback(at: end, reason: "it is within your quiet hours"))
        }
        guard freeChannels > 0 else { return record(.callback(at: now.addingTimeInterval(600), reason: "all advisors are busy")) }
        return record(.call(CallRequested(callId: callId, offerId: nil, cartId: cart.id, shopperId: cart.shopperId, merchantId: cart.merchantId,
                                          mode: preferences.mode, destination: route.destination, agentName: agent.name,
                                          agentSipUri: agent.sipUri, at: now, charge: charge,
                                          joinExpiresAtUnixSeconds: route.joinExpiry,
                                          agentJoinExpiresAtUnixSeconds: Self.agentJoinExpiry(agent, now: now))))
    }

    /// Why a call cannot be placed when the merchant's agent answers in the console and the
    /// gateway is down, in the shopper's words.
    static let consoleAgentUnavailable = "our advisors answer from their browsers, and that is not available right now; please try again later"

    /// The console agent's join expiry for a call requested at `now`; nil for a SIP-phone agent.
    static func agentJoinExpiry(_ agent: SalesAgent, now: Date) -> Int64? {
        agent.answersInConsole ? BrowserLeg.agentJoinExpiry(requestedAt: now) : nil
    }

    /// Where a new call goes: what `CallRequested` stores as its destination (sealed when it
    /// is personal data) and, for the browser, until when the page may join.
    struct Route {
        let destination: String
        let joinExpiry: Int64?
    }

    /// Why a call cannot go anywhere, in the shopper's words.
    struct NoRoute: Error {
        let reason: String
    }

    static func route(_ preferences: ContactPreferences, callId: UUID, sealedDestination: String?, browserVoiceAvailable: Bool,
                      now: Date) -> Result<Route, NoRoute> {
        switch preferences.mode {
        case .browser:
            guard browserVoiceAvailable else {
                return .failure(NoRoute(reason: "talking from this page is not available right now; "
                    + "give a phone number or SIP address in your preferences to be called there"))
            }
            return .success(Route(destination: BrowserLeg.destination(callId: callId), joinExpiry: BrowserLeg.joinExpiry(requestedAt: now)))
        case .pstn, .voip:
            guard let destination = preferences.destination else {
                return .failure(NoRoute(reason: "your preferences name no \(preferences.mode == .pstn ? "phone number" : "SIP URI")"))
            }
            return .success(Route(destination: sealedDestination ?? destination, joinExpiry: nil))
        }
    }

    /// When the quiet hours around `now` end, or nil when `now` is not within them.
    static func quietHoursEnd(_ quiet: QuietHours, timeZone: String?, after now: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        guard quiet.contains(minuteOfDay: minute), let end = QuietHours.minutes(quiet.end) else { return nil }
        let wait = (end - minute + 24 * 60) % (24 * 60)
        let minuteStart = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        return minuteStart.addingTimeInterval(Double(wait * 60))
    }

    /// An offer still open after its expiry lapses.
    public static func expire(offerId: UUID, state: EngagementState, now: Date) -> [EngagementEvent] {
        guard let offer = state.openOffer, offer.offerId == offerId, now >= offer.expiresAt else { return [] }
        return [.expired(OfferExpired(offerId: offerId, shopperId: offer.shopperId, at: now))]
    }

    public static func decline(offerId: UUID, state: EngagementState, now: Date) throws(DomainError) -> [EngagementEvent] {
        guard let offer = state.openOffer, offer.offerId == offerId else {
            if state.lastDeclinedAt != nil { return [] }  // a retried decline
            throw .rejected("the offer is no longer open")
        }
        return [.declined(OfferDeclined(offerId: offerId, shopperId: offer.shopperId, at: now))]
    }
}
