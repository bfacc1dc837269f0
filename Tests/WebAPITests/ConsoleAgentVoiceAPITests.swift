import CartlineTestSupport
import Domain
import Engine
import Foundation
import HTTPTypes
import Testing

@Suite("The agent console answers calls in the browser")
struct ConsoleAgentVoiceAPITests {
    /// Registers `merchantId` with Dana answering in the console and Sam on a SIP phone.
    static func registerMerchant(_ harness: WebHarness, _ merchantId: String = "demo-shop") async throws {
        var json = WebHarness.merchantJSON(merchantId, catalog: [("grinder", 129_500_000)])
        json["agents"] = [["name": "Dana", "sipUri": "browser"], ["name": "Sam", "sipUri": "sip:sam@127.0.0.1:5070"]]
        let created = try await harness.shopper().send(.post, "/v1/admin/merchants", json: json,
                                                       headers: ["Authorization": "Bearer \(WebHarness.adminToken)"])
        #expect(created.status == 201, "\(created.text)")
    }

    @Test func theAgentTheCallIsRoutedToGetsCredentialsForTheAgentLegOnly() async throws {
        try await BrowserVoiceAPITests.run(gateway: try BrowserVoiceAPITests.gateway()) { harness in
            try await Self.registerMerchant(harness)
            try await Self.registerMerchant(harness, "other-shop")
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: ["mode": "pstn", "phone": "+4930123456", "consent": true])
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            let before = Int64(Date().timeIntervalSince1970)
            let accepted = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")
            #expect(accepted.status == 200, "\(accepted.text)")
            let callText = try #require(accepted.json["callId"] as? String)
            let callId = try #require(UUID(uuidString: callText))
            let request = try #require(try await AggregateStore(log: harness.log).load(CallAggregate.self, .call(callId)).state.request)
            #expect(request.agentName == "Dana" && request.agentSipUri == "browser")
            let expiry = try #require(request.agentJoinExpiresAtUnixSeconds)
            #expect((before + BrowserLeg.agentJoinWindowSeconds...before + BrowserLeg.agentJoinWindowSeconds + 2).contains(expiry))

            // The console lists the call as one Dana answers here.
            let dana = try await harness.signedInAgent(agentName: "Dana")
            let live = try await dana.send(.get, "/v1/agent/calls?status=live")
            let listed = try #require((live.json["calls"] as? [[String: Any]])?.first { $0["callId"] as? String == callText })
            #expect(listed["agentAnswersInBrowser"] as? Bool == true)

            let voice = try await dana.send(.post, "/v1/agent/calls/\(callText)/voice")
            #expect(voice.status == 200, "\(voice.text)")
            #expect(voice.headers[.cacheControl] == "no-store")
            let user = try #require(voice.json["sipUser"] as? String)
            #expect(user == "agent" + callText.replacingOccurrences(of: "-", with: "") + ".\(expiry)")
            let token = try #require(voice.json["janusToken"] as? String)
            let expected = try BrowserVoiceAPITests.expected(user: user, tokenData: String(token.split(separator: ":")[0]))
            #expect(voice.json["sipPassword"] as? String == expected[0] && voice.json["proof"] as? String == expected[1])

            // Not the shopper's (a phone call), not Sam's (routed to Dana), not another
            // merchant's agent's, not without a session.
            let shopperVoice = try await shopper.send(.post, "/v1/calls/\(callText)/voice")
            shopperVoice.expectProblem(409)
            let sam = try await harness.signedInAgent(agentName: "Sam")
            let samVoice = try await sam.send(.post, "/v1/agent/calls/\(callText)/voice")
            samVoice.expectProblem(409)
            #expect((samVoice.json["detail"] as? String)?.contains("routed to Dana") == true)
            let stranger = try await harness.signedInAgent(merchantId: "other-shop", agentName: "Dana")
            try await stranger.send(.post, "/v1/agent/calls/\(callText)/voice").expectProblem(404)
            try await harness.shopper().send(.post, "/v1/agent/calls/\(callText)/voice").expectProblem(401)
            try await dana.send(.post, "/v1/agent/calls/\(UUID().uuidString)/voice").expectProblem(404)
            try await dana.send(.post, "/v1/agent/calls/not-a-call/voice").expectProblem(404)

            // Once the call is over, none.
            #expect(try await shopper.send(.post, "/v1/calls/\(callText)/cancel").json["status"] as? String == "failed")
            let over = try await dana.send(.post, "/v1/agent/calls/\(callText)/voice")
            over.expectProblem(409)
            #expect((over.json["detail"] as? String)?.contains("over") == true)
        }
    }

    @Test func aPhoneAgentsCallIsNotAnsweredInTheConsole() async throws {
        try await BrowserVoiceAPITests.run(gateway: try BrowserVoiceAPITests.gateway()) { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: ["consent": true])
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            let callText = try #require(try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept").json["callId"] as? String)
            let dana = try await harness.signedInAgent(agentName: "Dana")
            let listed = try await dana.send(.get, "/v1/agent/calls?status=live")
            #expect((listed.json["calls"] as? [[String: Any]])?.first?["agentAnswersInBrowser"] as? Bool == false)
            let voice = try await dana.send(.post, "/v1/agent/calls/\(callText)/voice")
            voice.expectProblem(409)
            #expect((voice.json["detail"] as? String)?.contains("SIP phone") == true)
        }
    }
}
