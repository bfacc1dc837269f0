import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Synchronization
import Testing
import WebAPI

/// The agent console's API: one sign-in per agent by one-time code, a session cookie of the
/// agent's own that can expire, be revoked or be signed out of; the merchant's calls paged
/// and filtered; one claim per call; outcomes as events.
@Suite("The agent console: sign-in, calls, claims and outcomes")
struct AgentConsoleAPITests {
    static let admin = ["Authorization": "Bearer \(WebHarness.adminToken)"]

    /// A clock the test moves; everything the server dates reads it.
    final class TestClock: WallClock {
        private let current: Mutex<Date>
        init(_ start: Date = Date()) { current = Mutex(start) }
        func now() -> Date { current.withLock { $0 } }
        func advance(seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// `WebHarness.run` with the server on `clock`.
    static func run(clock: TestClock, _ body: @Sendable (WebHarness) async throws -> Void) async throws {
        let contract = try OpenAPIContract.load()
        try await TestDatabase.with { database in
            try await database.withEventLog { log in
                let services = WebServices(log: log, configuration: WebHarness.testConfiguration(), sealingKey: SecretKey(),
                                           sealingKeyID: "s1", metrics: PrometheusCollectorRegistry(), clock: clock)
                let app = Application(router: try WebApplication.router(services), logger: TestDatabase.logger)
                try await app.test(.router) { client in
                    try await body(WebHarness(database: database, log: log, services: services, client: client, contract: contract))
                }
            }
        }
    }

    /// Adds Eve beside Dana to demo-shop's agents.
    static func addEve(_ harness: WebHarness) async throws {
        var json = WebHarness.merchantJSON("demo-shop", catalog: [("grinder", 129_500_000), ("beans", 24_900_000), ("tamper", 19_990_000)])
        json["agents"] = [["name": "Dana", "sipUri": "sip:dana@127.0.0.1:5070"], ["name": "Eve", "sipUri": "sip:eve@127.0.0.1:5071"]]
        let updated = try await harness.shopper().send(.put, "/v1/admin/merchants/demo-shop", json: json, headers: admin)
        #expect(updated.status == 200, "\(updated.text)")
    }

    /// A call of `merchantId` appended to the log as the offer service does, `at` then.
    @discardableResult
    static func appendCall(_ harness: WebHarness, merchantId: String = "demo-shop", at: Date = Date()) async throws -> UUID {
        let callId = UUID()
        let call = CallRequested(callId: callId, offerId: nil, cartId: UUID(), shopperId: UUID(), merchantId: merchantId, mode: .pstn,
                                 destination: "sealed", agentName: "Dana", agentSipUri: "sip:dana@127.0.0.1:5070", at: at)
        _ = try await harness.log.append(to: .call(callId), [try CallEvent.requested(call).encodedForLog().newEvent(id: UUID())], expected: .exact(0))
        return callId
    }

    static func fail(_ harness: WebHarness, _ callId: UUID) async throws {
        try await CallStatusAPITests.append(harness, callId, .failed(CallFailed(callId: callId, reason: "busy", sipStatus: 486, at: Date())))
    }

    static func calls(_ result: APIResult) -> [[String: Any]] { result.json["calls"] as? [[String: Any]] ?? [] }

    // MARK: sign-in

    @Test func aOneTimeCodeSignsTheAgentInWithAStrictHttpOnlyCookie() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let issued = try await harness.shopper().send(.post, "/v1/admin/merchants/demo-shop/agents/Dana/sign-in-codes", headers: Self.admin)
            #expect(issued.status == 201, "\(issued.text)")
            #expect(issued.headers[.cacheControl] == "no-store")
            let code = try #require(issued.json["code"] as? String)
            #expect(code.wholeMatch(of: /[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}/) != nil, "\(code)")
            #expect(issued.json["console"] as? String == "/agent" && issued.json["agentName"] as? String == "Dana")
            let expiresAt = try #require((issued.json["expiresAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
            #expect(expiresAt > Date() && expiresAt < Date().addingTimeInterval(16 * 60))
            // Only a keyed hash of the code reaches the log.
            let stored = try await harness.log.read(stream: .agent(merchantId: "demo-shop", agentName: "Dana"))
            #expect(stored.count == 1 && !"\(stored[0].data)".contains(code.replacingOccurrences(of: "-", with: "")))

            // Typed as people type it: lower case, no dash, the name in other case.
            let agent = harness.shopper()
            let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
            let signedIn = try await agent.send(.post, "/v1/agent/sign-in", json: ["merchantId": "demo-shop", "agentName": "dana", "code": typed])
            #expect(signedIn.status == 200, "\(signedIn.text)")
            #expect(signedIn.json["agentName"] as? String == "Dana")
            let cookie = try #require(signedIn.setCookies.first { $0.name == "cartline_agent" })
            #expect(cookie.attributes.contains("HttpOnly") && cookie.attributes.contains("SameSite=Strict"), "\(cookie.attributes)")
            #expect(cookie.attributes.contains("Path=/v1/agent") && cookie.attributes.contains("Max-Age=43200"), "\(cookie.attributes)")
            #expect(!cookie.attributes.contains("Secure"), "plain http: no Secure")
            #expect(!signedIn.setCookies.contains { $0.name == "cartline_session" })
            let session = try await agent.send(.get, "/v1/agent/session")
            #expect(session.status == 200 && session.json["merchantId"] as? String == "demo-shop" && session.json["agentName"] as? String == "Dana")

            // Behind TLS the cookie is Secure.
            let code2 = try #require(try await harness.shopper().send(.post, "/v1/admin/merchants/demo-shop/agents/Dana/sign-in-codes",
                                                                      headers: Self.admin).json["code"] as? String)
            let secure = try await harness.shopper().send(.post, "/v1/agent/sign-in", json: ["merchantId": "demo-shop", "agentName": "Dana", "code": code2],
                                                          headers: ["X-Forwarded-Proto": "https"])
            #expect(secure.setCookies.first { $0.name == "cartline_agent" }?.attributes.contains("Secure") == true)
        }
    }

    @Test func aCodeWorksOnceAndWrongCodesAreCountedThenVoidTheOpenCodes() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let code = try await harness.signInCode()
            let body: [String: Any] = ["merchantId": "demo-shop", "agentName": "Dana", "code": code]
            #expect(try await harness.shopper().send(.post, "/v1/agent/sign-in", json: body).status == 200)
            let again = try await harness.shopper().send(.post, "/v1/agent/sign-in", json: body)
            again.expectProblem(401, type: "code-used")
            #expect(again.json["detail"] as? String == "that sign-in code was already used; ask your administrator for a new one")

            let fresh = try await harness.signInCode()
            var wrong = body
            wrong["code"] = fresh == "ABCD-EFGH" ? "ABCD-EFGJ" : "ABCD-EFGH"
            let refused = try await harness.shopper().send(.post, "/v1/agent/sign-in", json: wrong)
            refused.expectProblem(401, type: "wrong-code")
            #expect((refused.json["detail"] as? String)?.hasPrefix("that sign-in code is wrong") == true)
            wrong["code"] = "not a code!"
            try await harness.shopper().send(.post, "/v1/agent/sign-in", json: wrong).expectProblem(401, type: "wrong-code")
            for _ in 0..<4 {
                wrong["code"] = "ZZZZ-ZZZ" + String("23456789".randomElement() ?? "2")
                if wrong["code"] as? String == fresh { continue }
                _ = try await harness.shopper().send(.post, "/v1/agent/sign-in", json: wrong)
            }
            // Five wrong codes in a row: the open code is void even when typed right.
            var right = body
            right["code"] = fresh
            try await harness.shopper().send(.post, "/v1/agent/sign-in", json: right).expectProblem(401, type: "too-many-attempts")
            // A new code works again.
            right["code"] = try await harness.signInCode()
            #expect(try await harness.shopper().send(.post, "/v1/agent/sign-in", json: right).status == 200)
        }
    }

    @Test func codesAndSessionsExpireOnTheServersClock() async throws {
        let clock = TestClock()
        try await Self.run(clock: clock) { harness in
            try await harness.registerMerchant()
            let stale = try await harness.signInCode()
            clock.advance(seconds: 16 * 60)
            let late = try await harness.shopper().send(.post, "/v1/agent/sign-in", json: ["merchantId": "demo-shop", "agentName": "Dana", "code": stale])
            late.expectProblem(401, type: "code-expired")

            let agent = try await harness.signedInAgent()
            clock.advance(seconds: 11 * 3_600)
            #expect(try await agent.send(.get, "/v1/agent/calls").status == 200)
            clock.advance(seconds: 3_600 + 1)
            let expired = try await agent.send(.get, "/v1/agent/calls")
            expired.expectProblem(401, type: "sign-in-expired")
            #expect(expired.json["detail"] as? String == "your sign-in expired; sign in again")
        }
    }

    @Test func revokingRefusesEverySessionOfTheAgentAtOnce() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let desk = try await harness.signedInAgent()
            let laptop = try await harness.signedInAgent()
            let spare = try await harness.signInCode()
            #expect(try await desk.send(.get, "/v1/agent/calls").status == 200)
            #expect(try await laptop.send(.get, "/v1/agent/calls").status == 200)

            try await harness.shopper().send(.post, "/v1/admin/merchants/demo-shop/agents/Dana/revoke").expectProblem(401, type: "unauthorized")
            let revoked = try await harness.shopper().send(.post, "/v1/admin/merchants/demo-shop/agents/Dana/revoke", headers: Self.admin)
            #expect(revoked.status == 200 && revoked.json["generation"] as? Int == 1, "\(revoked.text)")
            for client in [desk, laptop] {
                let refused = try await client.send(.get, "/v1/agent/calls")
                refused.expectProblem(401, type: "sign-in-revoked")
                #expect(refused.json["detail"] as? String == "your sign-in was revoked; ask your administrator for a new code")
                try await client.send(.get, "/v1/agent/session").expectProblem(401, type: "sign-in-revoked")
            }
            // Codes issued before the revocation are void too; a new one signs in again.
            try await harness.shopper().send(.post, "/v1/agent/sign-in", json: ["merchantId": "demo-shop", "agentName": "Dana", "code": spare])
                .expectProblem(401, type: "sign-in-revoked")
            let again = try await harness.signedInAgent()
            #expect(try await again.send(.get, "/v1/agent/calls").status == 200)
            try await desk.send(.get, "/v1/agent/calls").expectProblem(401, type: "sign-in-revoked")
        }
    }

    @Test func signingOutRefusesEvenAKeptCopyOfTheCookie() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let agent = try await harness.signedInAgent()
            let copy = harness.shopper()
            await copy.setCookie("cartline_agent", try #require(await agent.cookies["cartline_agent"]))
            #expect(try await copy.send(.get, "/v1/agent/session").status == 200)
            let out = try await agent.send(.post, "/v1/agent/sign-out")
            #expect(out.status == 204)
            #expect(out.headers[values: .setCookie].contains { $0.hasPrefix("cartline_agent=;") && $0.contains("Max-Age=0") },
                    "the browser drops the cookie: \(out.headers[values: .setCookie])")
            try await copy.send(.get, "/v1/agent/calls").expectProblem(401, type: "signed-out")
            let fresh = harness.shopper()
            try await fresh.send(.get, "/v1/agent/calls").expectProblem(401, type: "not-signed-in")
            // Signing out without a session is fine.
            #expect(try await harness.shopper().send(.post, "/v1/agent/sign-out").status == 204)
        }
    }

    @Test func badSignInsAndSessionsAreClearProblemsNeverServerErrors() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let client = harness.shopper()
            try await client.send(.post, "/v1/agent/sign-in", json: ["merchantId": "nobody", "agentName": "Dana", "code": "ABCD-EFGH"])
                .expectProblem(404, type: "unknown-agent")
            try await client.send(.post, "/v1/agent/sign-in", json: ["merchantId": "demo-shop", "agentName": "Mallory", "code": "ABCD-EFGH"])
                .expectProblem(404, type: "unknown-agent")
            try await client.send(.post, "/v1/agent/sign-in", json: ["merchantId": "demo-shop", "agentName": "Dana"]).expectProblem(422)
            try await client.send(.post, "/v1/agent/sign-in", json: ["merchantId": "demo-shop", "agentName": "Dana", "code": "X", "role": "admin"])
                .expectProblem(422)
            try await client.send(.post, "/v1/agent/sign-in", body: "{not json").expectProblem(400)
            try await client.send(.post, "/v1/agent/sign-in", json: ["merchantId": "demo-shop", "agentName": String(repeating: "a", count: 5_000), "code": "X"])
                .expectProblem(413)
            try await client.send(.post, "/v1/agent/sign-in", json: ["merchantId": "demo-shop", "agentName": "", "code": "X"]).expectProblem(422)
            try await client.send(.post, "/v1/admin/merchants/demo-shop/agents/Mallory/sign-in-codes", headers: Self.admin)
                .expectProblem(404, type: "unknown-agent")
            try await client.send(.post, "/v1/admin/merchants/NOT_AN_ID/agents/Dana/sign-in-codes", headers: Self.admin).expectProblem(404)
            try await client.send(.post, "/v1/admin/merchants/demo-shop/agents/Dana/sign-in-codes").expectProblem(401)

            for value in ["garbage", "v1.%%%.###", String(repeating: "A", count: 3_000), "v1.e30.AAAA", "v2.AAAA.BBBB"] {
                let forged = harness.shopper()
                await forged.setCookie("cartline_agent", value)
                try await forged.send(.get, "/v1/agent/calls").expectProblem(401, type: "sign-in-invalid")
            }
            // A session signed for one agent cannot be re-addressed to another.
            let agent = try await harness.signedInAgent()
            let value = try #require(await agent.cookies["cartline_agent"])
            let parts = value.split(separator: ".").map(String.init)
            var payload = try #require(Data(base64Encoded: Self.padded(parts[1])).flatMap { String(data: $0, encoding: .utf8) })
            payload = payload.replacingOccurrences(of: "\"Dana\"", with: "\"Eve\"")
            let tampered = harness.shopper()
            await tampered.setCookie("cartline_agent", "v1.\(Data(payload.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")).\(parts[2])")
            try await tampered.send(.get, "/v1/agent/calls").expectProblem(401, type: "sign-in-invalid")
        }
    }

    static func padded(_ base64url: String) -> String {
        let text = base64url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return text + String(repeating: "=", count: (4 - text.count % 4) % 4)
    }

    // MARK: calls

    @Test func theListShowsDateShopperLocalTimeCartAndNoDestination() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let agent = try await harness.signedInAgent()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: ["mode": "pstn", "phone": "+4930123456", "consent": true, "timeZone": "Asia/Tokyo"])
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            _ = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")

            let listed = try await agent.send(.get, "/v1/agent/calls?status=live")
            #expect(listed.json["agentName"] as? String == "Dana" && listed.json["status"] as? String == "live")
            let call = try #require(Self.calls(listed).first)
            #expect(!listed.text.contains("4930123456"))
            #expect((call["requestedAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) } != nil)
            #expect(call["shopperTimeZone"] as? String == "Asia/Tokyo")
            let local = try #require(call["shopperLocalTime"] as? String)
            #expect(local.hasSuffix("+09:00"), "\(local)")
            #expect((call["shopperName"] as? String)?.wholeMatch(of: /Shopper [0-9a-f]{6}/) != nil)
            let cart = try #require(call["cart"] as? [String: Any])
            let line = try #require((cart["items"] as? [[String: Any]])?.first)
            #expect((line["unitPrice"] as? [String: Any])?["display"] as? String != nil)
            #expect((cart["total"] as? [String: Any])?["amountMicros"] as? Int == 129_500_000)
            #expect(call["claimedBy"] == nil && call["outcome"] == nil)
        }
    }

    @Test func oneAgentPerCallAndTheOutcomeIsRecorded() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            try await Self.addEve(harness)
            let callId = try await Self.appendCall(harness)
            let path = "/v1/agent/calls/\(callId.uuidString.lowercased())"
            let dana = try await harness.signedInAgent()
            let eve = try await harness.signedInAgent(agentName: "Eve")

            let claimed = try await dana.send(.post, "\(path)/claim")
            #expect(claimed.status == 200 && (claimed.json["claimedBy"] as? [String: Any])?["agentName"] as? String == "Dana", "\(claimed.text)")
            #expect(try await dana.send(.post, "\(path)/claim").status == 200)  // again: a no-op
            let conflict = try await eve.send(.post, "\(path)/claim")
            conflict.expectProblem(409)
            #expect(conflict.json["detail"] as? String == "Dana has already claimed this call")
            try await eve.send(.post, "\(path)/outcome", json: ["outcome": "sold"]).expectProblem(409)

            let recorded = try await dana.send(.post, "\(path)/outcome", json: ["outcome": "follow-up", "note": "  call back after 6  "])
            #expect(recorded.status == 200, "\(recorded.text)")
            let outcome = try #require(recorded.json["outcome"] as? [String: Any])
            #expect(outcome["outcome"] as? String == "follow-up" && outcome["note"] as? String == "call back after 6" && outcome["agentName"] as? String == "Dana")
            _ = try await dana.send(.post, "\(path)/outcome", json: ["outcome": "sold"])
            let events = try await harness.log.read(stream: .callWork(callId)).map(\.type)
            #expect(events == ["CallClaimed", "CallOutcomeRecorded", "CallOutcomeRecorded"])
            #expect(try await harness.log.read(stream: .call(callId)).map(\.type) == ["CallRequested"], "the call's own stream is untouched")

            let listed = try #require(Self.calls(try await eve.send(.get, "/v1/agent/calls")).first)
            #expect((listed["claimedBy"] as? [String: Any])?["agentName"] as? String == "Dana")
            #expect((listed["outcome"] as? [String: Any])?["outcome"] as? String == "sold")

            // An outcome on an unclaimed call claims it for whoever records it.
            let other = try await Self.appendCall(harness)
            let direct = try await eve.send(.post, "/v1/agent/calls/\(other.uuidString.lowercased())/outcome", json: ["outcome": "no-answer"])
            #expect((direct.json["claimedBy"] as? [String: Any])?["agentName"] as? String == "Eve")

            try await dana.send(.post, "\(path)/outcome", json: ["outcome": "maybe"]).expectProblem(422)
            try await dana.send(.post, "\(path)/outcome", json: ["outcome": "sold", "note": String(repeating: "n", count: 1_001)]).expectProblem(422)
            try await dana.send(.post, "\(path)/outcome", json: ["outcome": "sold", "price": 1]).expectProblem(422)
            try await dana.send(.post, "\(path)/outcome", body: "[").expectProblem(400)
            try await dana.send(.post, "\(path)/outcome", json: ["outcome": "sold", "note": String(repeating: "n", count: 9_000)]).expectProblem(413)
            try await dana.send(.post, "/v1/agent/calls/not-a-uuid/claim").expectProblem(404)
            try await dana.send(.post, "/v1/agent/calls/\(UUID().uuidString.lowercased())/claim").expectProblem(404)
            try await harness.shopper().send(.post, "\(path)/claim").expectProblem(401, type: "not-signed-in")
        }
    }

    @Test func anotherMerchantsCallsAreNeitherListedNorClaimable() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            try await harness.registerMerchant("other-shop")
            let callId = try await Self.appendCall(harness)
            let outsider = try await harness.signedInAgent(merchantId: "other-shop")
            #expect(Self.calls(try await outsider.send(.get, "/v1/agent/calls?status=all")).isEmpty)
            try await outsider.send(.post, "/v1/agent/calls/\(callId.uuidString.lowercased())/claim").expectProblem(404)
        }
    }

    @Test func callsArePagedAndFilteredLiveRecentOrAll() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let agent = try await harness.signedInAgent()
            let old = try await Self.appendCall(harness, at: Date().addingTimeInterval(-3 * 86_400))
            var recent: [UUID] = []
            for _ in 0..<5 { recent.append(try await Self.appendCall(harness)) }
            try await Self.fail(harness, recent[0])
            try await Self.fail(harness, recent[3])

            let all = try await agent.send(.get, "/v1/agent/calls?status=all&pageSize=2")
            #expect(all.json["total"] as? Int == 6 && all.json["pageCount"] as? Int == 3 && all.json["page"] as? Int == 1)
            var seen: [String] = []
            for page in 1...3 {
                let listed = try await agent.send(.get, "/v1/agent/calls?status=all&pageSize=2&page=\(page)")
                seen += Self.calls(listed).compactMap { $0["callId"] as? String }
            }
            let newestFirst = (recent.reversed() + [old]).map { $0.uuidString.lowercased() }
            #expect(seen == newestFirst)
            #expect(Self.calls(try await agent.send(.get, "/v1/agent/calls?status=all&pageSize=2&page=4")).isEmpty)

            let recentList = try await agent.send(.get, "/v1/agent/calls?status=recent")
            #expect(recentList.json["total"] as? Int == 5)
            #expect(!Self.calls(recentList).contains { $0["callId"] as? String == old.uuidString.lowercased() })
            let defaultList = try await agent.send(.get, "/v1/agent/calls")
            #expect(defaultList.json["status"] as? String == "recent" && defaultList.json["pageSize"] as? Int == 20)

            let live = try await agent.send(.get, "/v1/agent/calls?status=live&pageSize=2&page=2")
            #expect(live.json["total"] as? Int == 3 && live.json["pageCount"] as? Int == 2)
            #expect(Self.calls(live).map { $0["callId"] as? String } == [recent[1].uuidString.lowercased()])

            for query in ["status=bogus", "page=0", "page=abc", "page=10001", "pageSize=51", "pageSize=0"] {
                try await agent.send(.get, "/v1/agent/calls?\(query)").expectProblem(422)
            }
        }
    }
}

extension WebHarness {
    /// A one-time code for `agentName` from the admin API.
    func signInCode(merchantId: String = "demo-shop", agentName: String = "Dana") async throws -> String {
        let path = "/v1/admin/merchants/\(merchantId)/agents/\(agentName.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? agentName)/sign-in-codes"
        let issued = try await shopper().send(.post, path, headers: ["Authorization": "Bearer \(Self.adminToken)"])
        #expect(issued.status == 201, "\(issued.text)")
        return try #require(issued.json["code"] as? String)
    }

    /// A client signed in as the agent, with the session cookie in its jar.
    func signedInAgent(merchantId: String = "demo-shop", agentName: String = "Dana") async throws -> APIClient {
        let code = try await signInCode(merchantId: merchantId, agentName: agentName)
        let agent = shopper()
        let signedIn = try await agent.send(.post, "/v1/agent/sign-in", json: ["merchantId": merchantId, "agentName": agentName, "code": code])
        #expect(signedIn.status == 200, "\(signedIn.text)")
        return agent
    }
}
