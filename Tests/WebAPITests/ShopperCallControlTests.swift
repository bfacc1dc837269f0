import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import HTTPTypes
import Testing
import WebAPI

/// What the shopper controls and sees of offers and calls, the same in every tab: the
/// state now (`GET /v1/engagement`), cancelling a call not yet connected, a decline heard
/// by every tab, and a purchase completed without typing an order number.
@Suite("The shopper's control of offers and calls")
struct ShopperCallControlTests {
    @Test func aCallNoNodeClaimedIsCancelledAtOnceAndNoNodeCanClaimItAfter() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let callId = try await CallStatusAPITests.requestedCall(harness, shopper, preferences: CallStatusAPITests.phone)
            let path = "/v1/calls/\(callId.uuidString.lowercased())"
            #expect(try await shopper.send(.get, path).json["cancellable"] as? Bool == true)

            // Another shopper cannot cancel it.
            try await harness.shopper().send(.post, "\(path)/cancel").expectProblem(404)
            let cancelled = try await shopper.send(.post, "\(path)/cancel")
            #expect(cancelled.status == 200, "\(cancelled.text)")
            #expect(cancelled.json["status"] as? String == "failed")
            #expect(cancelled.json["reason"] as? String == "shopper-cancelled")
            #expect(cancelled.json["statusText"] as? String == "You cancelled the call. Try again?")
            #expect(cancelled.json["cancellable"] as? Bool == false)
            // A retried cancel changes nothing.
            #expect(try await shopper.send(.post, "\(path)/cancel").status == 200)
            let types = try await harness.log.read(stream: .call(callId)).map(\.type)
            #expect(types == [CallRequested.eventType, CallFailed.eventType])

            // A node claiming it now (at version 1, as nodes do) loses: the call is over.
            let claim = CallEvent.channelAssigned(ChannelAssigned(callId: callId, node: "node-a", channel: 1, handlerPid: nil, at: Date()))
            await #expect(throws: EventLogError.self) {
                _ = try await harness.log.append(to: .call(callId), [try claim.encodedForLog().newEvent(id: UUID())], expected: .exact(1))
            }
        }
    }

    @Test func aRingingCallIsCancelledThroughItsNodeAndAConnectedOneCannotBe() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let callId = try await CallStatusAPITests.requestedCall(harness, shopper, preferences: CallStatusAPITests.phone)
            let path = "/v1/calls/\(callId.uuidString.lowercased())"
            let connecting = CallStatusAPITests.connectingEvents(callId)
            try await CallStatusAPITests.append(harness, callId, connecting[0])
            try await CallStatusAPITests.append(harness, callId, connecting[1])

            let asked = try await shopper.send(.post, "\(path)/cancel")
            #expect(asked.status == 200, "\(asked.text)")
            #expect(asked.json["status"] as? String == "ringing")
            #expect(asked.json["statusText"] as? String == "Cancelling the call…")
            #expect(asked.json["cancellable"] as? Bool == false)
            let types = try await harness.log.read(stream: .call(callId)).map(\.type)
            #expect(types.last == CallCancelRequested.eventType)
            _ = try await shopper.send(.post, "\(path)/cancel")  // retried: no second request
            #expect(try await harness.log.read(stream: .call(callId)).count == types.count)

            // The node hangs up: the call failed, cancelled by the shopper.
            try await CallStatusAPITests.append(harness, callId, .failed(CallFailed(callId: callId, reason: "shopper-cancelled", sipStatus: nil, at: Date())))
            #expect(try await shopper.send(.get, path).json["statusText"] as? String == "You cancelled the call. Try again?")

            // A connected call is not cancelled: the shopper hangs up instead.
            let second = harness.shopper()
            let talking = try await CallStatusAPITests.requestedCall(harness, second, preferences: CallStatusAPITests.phone)
            for event in CallStatusAPITests.connectingEvents(talking) { try await CallStatusAPITests.append(harness, talking, event) }
            let refused = try await second.send(.post, "/v1/calls/\(talking.uuidString.lowercased())/cancel")
            refused.expectProblem(409)
            #expect(refused.text.contains("hang up"), "\(refused.text)")
            try await second.send(.post, "/v1/calls/not-a-uuid/cancel").expectProblem(404)
        }
    }

    @Test func theStateNowShowsTheOpenOfferThenTheCallThatSupersedesIt() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: CallStatusAPITests.phone)
            let empty = try await shopper.send(.get, "/v1/engagement")
            #expect(empty.status == 200 && empty.json["offer"] == nil && empty.json["call"] == nil, "\(empty.text)")

            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            let offered = try await shopper.send(.get, "/v1/engagement")
            #expect((offered.json["offer"] as? [String: Any])?["offerId"] as? String == offerId.uuidString.lowercased())

            _ = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")
            let calling = try await shopper.send(.get, "/v1/engagement")
            #expect(calling.json["offer"] == nil, "a call under way supersedes the offer: \(calling.text)")
            #expect((calling.json["call"] as? [String: Any])?["status"] as? String == "requested")
        }
    }

    @Test func aDeclineInOneTabIsPushedToEveryTab() async throws {
        try await LiveWeb.run { web in
            let harness = web.harness
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: CallStatusAPITests.phone)
            var otherTab = try await EventStreamReader.open(web, shopper)
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            #expect(try await otherTab.next("offer")["status"] as? String == "open")
            #expect(try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/decline").status == 200)
            let declined = try await otherTab.next("offer")
            #expect(declined["status"] as? String == "declined" && declined["offerId"] as? String == offerId.uuidString.lowercased(), "\(declined)")
        }
    }

    @Test func aPurchaseIsCompletedWithTheServersOrderReference() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let opened = try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"])
            let cartId = try #require(opened.json["id"] as? String)
            _ = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1])
            _ = try await shopper.send(.post, "/v1/carts/\(cartId)/checkout")
            let completed = try await shopper.send(.post, "/v1/carts/\(cartId)/checkout/complete", json: [String: Any]())
            #expect(completed.status == 200, "\(completed.text)")
            #expect(completed.json["orderRef"] as? String == "CL-" + cartId.prefix(8).uppercased())
        }
    }
}
