import Domain
import Foundation
import Testing

@Suite("Browser mode: the shopper talks from the page")
struct BrowserModeTests {
    static let noon = EngagementTests.noon

    /// An open cart with one item, its engagement state with an open offer, and the agents.
    static func offered() throws -> (cart: CartState, state: EngagementState, offerId: UUID, agents: [SalesAgent]) {
        let eur = EngagementTests.eur
        let item = try CatalogItem(sku: "TEA-1", name: "Teapot", unitPrice: Money(amountMicros: 400_000_000, currency: eur))
        var cart: CartState?
        for command in [CartCommand.open(cartId: UUID(), shopperId: UUID(), merchantId: "demo", currency: eur), .addItem(item, quantity: 1)] {
            for event in try Cart.decide(command, state: cart, now: noon) { cart = Cart.evolve(cart, event) }
        }
        let open = try #require(cart)
        let offerId = UUID()
        let input = EngagementTests.input(cartId: open.id, preferences: try EngagementTests.preferences(), rules: try EngagementTests.rules())
        var state = EngagementState()
        for event in EngagementSaga.decide(idled: UUID(), input: input, shopperId: open.shopperId, merchantId: "demo", offerId: offerId, state: state) {
            state = EngagementSaga.evolve(state, event)
        }
        #expect(state.openOffer?.offerId == offerId)
        return (open, state, offerId, [try SalesAgent(name: "Dana", sipUri: "sip:dana@example.net")])
    }

    static var browser: ContactPreferences {
        get throws { try ContactPreferences(mode: .browser, phone: nil, sipUri: nil, consent: true, quietHours: nil, timeZone: nil) }
    }

    @Test func browserModeNeedsNoPhoneOrSIPURIAndNamesNoPersonalDestination() throws {
        let preferences = try Self.browser
        #expect(preferences.mode == .browser)
        #expect(preferences.destination == nil)
        #expect(ContactPreferences.Mode.implied(phone: nil, sipUri: nil) == .browser)
        #expect(ContactPreferences.Mode.implied(phone: "+4930123456", sipUri: "sip:a@b") == .pstn)
        #expect(ContactPreferences.Mode.implied(phone: nil, sipUri: "sip:a@b") == .voip)
        // PSTN and VoIP keep their rules.
        #expect(throws: DomainError.self) { try ContactPreferences(mode: .pstn, phone: nil, sipUri: nil, consent: true, quietHours: nil, timeZone: nil) }
        #expect(throws: DomainError.self) { try ContactPreferences(mode: .voip, phone: nil, sipUri: nil, consent: true, quietHours: nil, timeZone: nil) }
    }

    @Test func acceptingInBrowserModeRequestsACallToThePageWithItsJoinExpiry() throws {
        let (cart, state, offerId, agents) = try Self.offered()
        let callId = UUID()
        let now = Self.noon.addingTimeInterval(10.75)
        let events = try EngagementSaga.accept(offerId: offerId, callId: callId, cart: cart, preferences: try Self.browser, agents: agents,
                                               state: state, now: now, sealedDestination: nil, browserVoiceAvailable: true)
        guard case .callRequested(let call) = try #require(events.last) else { Issue.record("no CallRequested"); return }
        #expect(call.mode == .browser)
        #expect(call.destination == "browser:" + callId.uuidString.lowercased())
        let expiry = Int64(Self.noon.timeIntervalSince1970) + 10 + BrowserLeg.joinWindowSeconds
        #expect(call.joinExpiresAtUnixSeconds == expiry)
        let user = try #require(call.browserSIPUser)
        #expect(user == callId.uuidString.lowercased().replacingOccurrences(of: "-", with: "") + ".\(expiry)")
        #expect(user.wholeMatch(of: /[a-z0-9]{16,64}\.[0-9]{10}/) != nil, "the registrar's call-user syntax")
        #expect(BrowserLeg.isSIPUser(user))
        guard case .accepted(let accepted) = try #require(events.first) else { Issue.record("no OfferAccepted"); return }
        #expect(accepted.mode == .browser)
    }

    @Test func withoutAGatewayBrowserCallsAreRefusedWithTheReason() throws {
        let (cart, state, offerId, agents) = try Self.offered()
        do {
            _ = try EngagementSaga.accept(offerId: offerId, callId: UUID(), cart: cart, preferences: try Self.browser, agents: agents,
                                          state: state, now: Self.noon, browserVoiceAvailable: false)
            Issue.record("accepted without a gateway")
        } catch {
            guard case DomainError.rejected(let reason) = error else { Issue.record("not a refusal: \(error)"); return }
            #expect(reason.contains("not available") && reason.contains("phone number"))
        }
        let (outcome, events) = EngagementSaga.help(via: "help", callId: UUID(), cart: cart, preferences: try Self.browser, agents: agents,
                                                    freeChannels: 2, state: EngagementState(), now: Self.noon, browserVoiceAvailable: false)
        guard case .explain(let why) = outcome else { Issue.record("not explained: \(outcome)"); return }
        #expect(why.contains("not available"))
        #expect(events.count == 1)
        // With the gateway, help calls the page.
        let (placed, _) = EngagementSaga.help(via: "help", callId: UUID(), cart: cart, preferences: try Self.browser, agents: agents,
                                              freeChannels: 2, state: EngagementState(), now: Self.noon, browserVoiceAvailable: true)
        guard case .call(let call) = placed else { Issue.record("no call: \(placed)"); return }
        #expect(call.mode == .browser && call.destination.hasPrefix("browser:") && call.joinExpiresAtUnixSeconds != nil)
    }

    @Test func noOfferIsMadeToAPageNoGatewayCanReach() throws {
        let set: PreferencesSet
        guard case .preferencesSet(let made) = Shopper.decide(.setPreferences(try Self.browser, sealedPhone: nil), state: ShopperState(),
                                                              now: Self.noon).first else { Issue.record("no PreferencesSet"); return }
        set = made
        let base = EngagementTests.input(preferences: set, rules: try EngagementTests.rules())
        #expect(Engagement.evaluate(base).offer)
        let unreachable = EngagementInput(cartId: base.cartId, cartValue: base.cartValue, itemCount: base.itemCount, cartIsUnconcluded: true,
                                          preferences: set, rules: base.rules, offersMade: 0, lastDeclinedAt: nil, freeChannels: 4,
                                          browserVoiceAvailable: false, now: base.now)
        #expect(Engagement.evaluate(unreachable).reasons == [.browserUnavailable])
        // A phone shopper is offered calls with or without the gateway.
        let phone = EngagementInput(cartId: base.cartId, cartValue: base.cartValue, itemCount: base.itemCount, cartIsUnconcluded: true,
                                    preferences: try EngagementTests.preferences(quiet: nil), rules: base.rules, offersMade: 0,
                                    lastDeclinedAt: nil, freeChannels: 4, browserVoiceAvailable: false, now: base.now)
        #expect(Engagement.evaluate(phone).offer)
    }

    @Test func pstnCallsCarryNoJoinExpiry() throws {
        let (cart, state, offerId, agents) = try Self.offered()
        let pstn = try ContactPreferences(mode: .pstn, phone: "+4930123456", sipUri: nil, consent: true, quietHours: nil, timeZone: nil)
        let events = try EngagementSaga.accept(offerId: offerId, callId: UUID(), cart: cart, preferences: pstn, agents: agents,
                                               state: state, now: Self.noon, sealedDestination: "sealed1.x", browserVoiceAvailable: false)
        guard case .callRequested(let call) = try #require(events.last) else { Issue.record("no CallRequested"); return }
        #expect(call.destination == "sealed1.x" && call.joinExpiresAtUnixSeconds == nil && call.browserSIPUser == nil)
    }

    @Test func eventsWrittenBeforeBrowserModeStillDecode() throws {
        let old = """
            {"callId":"6f1c1c8e-2d0a-4a55-9f43-0f8f1d8f7a11","cartId":"0b9d6a57-1c1e-4f0e-9a55-4a8c6b1f2e33",\
            "shopperId":"8a1f4c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b","merchantId":"demo","mode":"voip","destination":"sip:ann@example.net",\
            "agentName":"Dana","agentSipUri":"sip:dana@example.net","at":"2026-11-20T10:00:00Z"}
            """
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let call = try decoder.decode(CallRequested.self, from: Data(old.utf8))
        #expect(call.mode == .voip && call.joinExpiresAtUnixSeconds == nil && call.offerId == nil)
        let preferences = #"{"mode":"pstn","sealedPhone":"sealed1.x","consent":true,"at":"2026-11-20T10:00:00Z"}"#
        #expect(try decoder.decode(PreferencesSet.self, from: Data(preferences.utf8)).mode == .pstn)
        let browser = #"{"mode":"browser","consent":true,"at":"2026-11-20T10:00:00Z"}"#
        #expect(try decoder.decode(PreferencesSet.self, from: Data(browser.utf8)).mode == .browser)
    }
}
