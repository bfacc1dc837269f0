import Domain
import Foundation
import Testing

@Suite("An agent who answers in the agent console")
struct ConsoleAgentTests {
    static let noon = EngagementTests.noon

    static var pstn: ContactPreferences {
        get throws { try ContactPreferences(mode: .pstn, phone: "+4930123456", sipUri: nil, consent: true, quietHours: nil, timeZone: nil) }
    }

    @Test func anAgentIsASIPPhoneOrTheConsoleAndNothingElse() throws {
        #expect(try SalesAgent(name: "Dana", sipUri: "browser").answersInConsole)
        #expect(try !SalesAgent(name: "Sam", sipUri: "sip:sam@pbx.example.com").answersInConsole)
        for bad in ["Browser", "browser:dana", "", "tel:+4930123456"] {
            #expect(throws: DomainError.self, "'\(bad)'") { try SalesAgent(name: "Dana", sipUri: bad) }
        }
    }

    @Test func aCallToAConsoleAgentNamesTheAgentsOwnGatewayUserWithItsJoinExpiry() throws {
        let (cart, state, offerId, _) = try BrowserModeTests.offered()
        let agents = [try SalesAgent(name: "Dana", sipUri: "browser")]
        let callId = UUID()
        let events = try EngagementSaga.accept(offerId: offerId, callId: callId, cart: cart, preferences: try BrowserModeTests.browser,
                                               agents: agents, state: state, now: Self.noon)
        guard case .callRequested(let call) = try #require(events.last) else { Issue.record("no CallRequested"); return }
        let start = Int64(Self.noon.timeIntervalSince1970)
        #expect(call.agentAnswersInConsole && call.agentJoinExpiresAtUnixSeconds == start + BrowserLeg.agentJoinWindowSeconds)
        let hex = callId.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let agentUser = try #require(call.agentBrowserSIPUser)
        #expect(agentUser == "agent\(hex).\(start + BrowserLeg.agentJoinWindowSeconds)")
        #expect(BrowserLeg.isSIPUser(agentUser), "the registrar's syntax")
        // The shopper's page and the agent's console are different gateway users.
        #expect(call.browserSIPUser != nil && call.browserSIPUser != agentUser)
    }

    @Test func aPhoneAgentsCallsCarryNoAgentJoinTime() throws {
        let (cart, state, offerId, agents) = try BrowserModeTests.offered()
        let events = try EngagementSaga.accept(offerId: offerId, callId: UUID(), cart: cart, preferences: try Self.pstn, agents: agents,
                                               state: state, now: Self.noon, sealedDestination: "sealed1.x")
        guard case .callRequested(let call) = try #require(events.last) else { Issue.record("no CallRequested"); return }
        #expect(!call.agentAnswersInConsole && call.agentJoinExpiresAtUnixSeconds == nil && call.agentBrowserSIPUser == nil)
    }

    @Test func withoutAGatewayNoCallGoesToAConsoleAgentAndTheShopperIsToldWhy() throws {
        let (cart, state, offerId, _) = try BrowserModeTests.offered()
        let agents = [try SalesAgent(name: "Dana", sipUri: "browser")]
        do {
            _ = try EngagementSaga.accept(offerId: offerId, callId: UUID(), cart: cart, preferences: try Self.pstn, agents: agents,
                                          state: state, now: Self.noon, sealedDestination: "sealed1.x", browserVoiceAvailable: false)
            Issue.record("accepted without a gateway")
        } catch {
            guard case DomainError.rejected(let reason) = error else { Issue.record("not a refusal: \(error)"); return }
            #expect(reason.contains("advisors answer from their browsers"))
        }
        let (outcome, _) = EngagementSaga.help(via: "help", callId: UUID(), cart: cart, preferences: try Self.pstn, agents: agents,
                                               freeChannels: 2, state: EngagementState(), now: Self.noon, sealedDestination: "sealed1.x",
                                               browserVoiceAvailable: false)
        guard case .explain(let why) = outcome else { Issue.record("not explained: \(outcome)"); return }
        #expect(why.contains("not available"))
        // The decision makes no offer either, and says why.
        let base = EngagementTests.input(preferences: nil, rules: try EngagementTests.rules())
        let input = EngagementInput(cartId: base.cartId, cartValue: base.cartValue, itemCount: base.itemCount, cartIsUnconcluded: true,
                                    preferences: base.preferences, rules: base.rules, offersMade: 0, lastDeclinedAt: nil, freeChannels: 4,
                                    browserVoiceAvailable: false, agentAnswersInConsole: true, now: base.now)
        #expect(Engagement.evaluate(input).reasons.contains(.browserUnavailable))
    }
}
