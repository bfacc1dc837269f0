import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WebAPI

/// The merchant console's API: users invited with a one-time code set a password and sign
/// in with it (slow hash, bounded attempts, lock-out), a session cookie of their own that
/// can be signed out of and revoked; the merchant's profile, agents, webhook secrets, calls,
/// spending, invoices and conversion — always the signed-in user's merchant, never another's.
@Suite("The merchant console: accounts, settings and reports of one merchant only")
struct MerchantConsoleAPITests {
    static let admin = ["Authorization": "Bearer \(WebHarness.adminToken)"]
    static let password = "correct horse battery"

    /// Invites `login` to `merchantId` through the admin API (an owner) and answers the code.
    static func invite(_ harness: WebHarness, _ merchantId: String = "demo-shop", login: String, role: String? = nil) async throws -> String {
        var body: [String: Any] = ["login": login]
        if let role { body["role"] = role }
        let invited = try await harness.shopper().send(.post, "/v1/admin/merchants/\(merchantId)/users", json: body, headers: admin)
        #expect(invited.status == 201, "\(invited.text)")
        return try #require(invited.json["code"] as? String)
    }

    /// A browser signed in as a new owner of `merchantId` (invited, password set).
    static func owner(_ harness: WebHarness, _ merchantId: String = "demo-shop", login: String = "owner@demo.test") async throws -> APIClient {
        let code = try await invite(harness, merchantId, login: login)
        let browser = harness.shopper()
        let set = try await browser.send(.post, "/v1/merchant/password",
                                         json: ["merchantId": merchantId, "login": login, "code": code, "password": password])
        #expect(set.status == 200, "\(set.text)")
        return browser
    }

    static func signIn(_ harness: WebHarness, _ merchantId: String = "demo-shop", login: String, password: String = password) async throws -> (APIClient, APIResult) {
        let browser = harness.shopper()
        let result = try await browser.send(.post, "/v1/merchant/sign-in", json: ["merchantId": merchantId, "login": login, "password": password])
        return (browser, result)
    }

    // MARK: accounts

    @Test func anInvitationCodeSetsAPasswordThatSignsInWithAStrictHttpOnlyCookie() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let code = try await Self.invite(harness, login: "Ann@Demo.test")
            #expect(code.wholeMatch(of: /[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}/) != nil, "\(code)")

            let browser = harness.shopper()
            let set = try await browser.send(.post, "/v1/merchant/password",
                                             json: ["merchantId": "demo-shop", "login": "ann@demo.test", "code": code.lowercased(), "password": Self.password])
            #expect(set.status == 200, "\(set.text)")
            #expect(set.json["login"] as? String == "ann@demo.test" && set.json["role"] as? String == "owner")
            #expect(set.json["merchantName"] as? String == "Demo Shop")
            let cookie = try #require(set.setCookies.first { $0.name == "cartline_merchant" })
            #expect(cookie.attributes.contains("HttpOnly") && cookie.attributes.contains("SameSite=Strict"), "\(cookie.attributes)")
            #expect(cookie.attributes.contains("Path=/v1/merchant") && cookie.attributes.contains("Max-Age=28800"), "\(cookie.attributes)")
            #expect(try await browser.send(.get, "/v1/merchant/session").json["login"] as? String == "ann@demo.test")

            // Neither the code nor the password is in the log; the password only as a PBKDF2 hash.
            let stored = try await harness.log.read(stream: .merchantUsers("demo-shop")).map { "\($0.data)" }.joined()
            #expect(!stored.contains(code.replacingOccurrences(of: "-", with: "")) && !stored.contains(Self.password))
            #expect(stored.contains("pbkdf2-sha256$210000$"))

            // The code works once; the password from then on, the login in any case.
            try await harness.shopper().send(.post, "/v1/merchant/password",
                                             json: ["merchantId": "demo-shop", "login": "ann@demo.test", "code": code, "password": "another password 1"])
                .expectProblem(401, type: "code-used")
            let (again, signedIn) = try await Self.signIn(harness, login: " ANN@demo.test")
            #expect(signedIn.status == 200, "\(signedIn.text)")
            #expect(try await again.send(.get, "/v1/merchant/profile").status == 200)
            // Behind TLS the cookie is Secure.
            let secure = try await harness.shopper().send(.post, "/v1/merchant/sign-in", json: ["merchantId": "demo-shop", "login": "ann@demo.test",
                                                                                                  "password": Self.password],
                                                          headers: ["X-Forwarded-Proto": "https"])
            #expect(secure.setCookies.first { $0.name == "cartline_merchant" }?.attributes.contains("Secure") == true)
        }
    }

    @Test func wrongPasswordsAreRefusedAndFiveInARowLockTheUserOutWith429() async throws {
        let clock = AgentConsoleAPITests.TestClock()
        try await AgentConsoleAPITests.run(clock: clock) { harness in
            try await harness.registerMerchant()
            _ = try await Self.owner(harness, login: "ann@demo.test")
            let (_, wrong) = try await Self.signIn(harness, login: "ann@demo.test", password: "not the password")
            wrong.expectProblem(401, type: "wrong-credentials")
            #expect(wrong.json["detail"] as? String == "the login or the password is wrong")
            // An unknown login reads exactly the same.
            let (_, unknown) = try await Self.signIn(harness, login: "nobody@demo.test", password: "not the password")
            unknown.expectProblem(401, type: "wrong-credentials")
            #expect(unknown.json["detail"] as? String == wrong.json["detail"] as? String)
            for _ in 0..<4 { _ = try await Self.signIn(harness, login: "ann@demo.test", password: "still not it!") }
            // Five in a row: even the right password waits out the lock, and says until when.
            let (_, locked) = try await Self.signIn(harness, login: "ann@demo.test")
            locked.expectProblem(429, type: "too-many-attempts")
            let retryAfter = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter > 800 && retryAfter <= 900, "\(retryAfter)")
            #expect((locked.json["detail"] as? String)?.hasPrefix("too many failed attempts") == true)
            clock.advance(seconds: 15 * 60 + 1)
            let (_, after) = try await Self.signIn(harness, login: "ann@demo.test")
            #expect(after.status == 200, "\(after.text)")
            // Bounded in the log too: failures during a lock append nothing.
            let failures = try await harness.log.read(stream: .merchantUsers("demo-shop")).filter { $0.type == "MerchantSignInFailed" }
            #expect(failures.count == 5)
        }
    }

    @Test func wrongInvitationCodesAreCountedLikePasswordsAndAnExpiredCodeSaysSo() async throws {
        let clock = AgentConsoleAPITests.TestClock()
        try await AgentConsoleAPITests.run(clock: clock) { harness in
            try await harness.registerMerchant()
            let code = try await Self.invite(harness, login: "ann@demo.test")
            var body: [String: Any] = ["merchantId": "demo-shop", "login": "ann@demo.test", "password": Self.password]
            for attempt in 0..<5 {
                body["code"] = code == "ABCD-EFGH" ? "ABCD-EFG\(attempt + 2)" : "ABCD-EFG\(attempt + 2)".replacingOccurrences(of: "EFG", with: "EFH")
                let refused = try await harness.shopper().send(.post, "/v1/merchant/password", json: body)
                #expect(refused.status == (attempt < 4 ? 401 : 429), "attempt \(attempt): \(refused.text)")
            }
            body["code"] = code
            try await harness.shopper().send(.post, "/v1/merchant/password", json: body).expectProblem(429, type: "too-many-attempts")
            // A new invitation lifts the lock; a code left too long expires.
            body["code"] = try await Self.invite(harness, login: "ann@demo.test")
            clock.advance(seconds: 72 * 3_600 + 1)
            try await harness.shopper().send(.post, "/v1/merchant/password", json: body).expectProblem(401, type: "code-expired")
            body["code"] = try await Self.invite(harness, login: "ann@demo.test")
            #expect(try await harness.shopper().send(.post, "/v1/merchant/password", json: body).status == 200)
        }
    }

    @Test func signingOutAndRevocationRefuseTheSessionAndMembersCannotManageUsers() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let owner = try await Self.owner(harness, login: "ann@demo.test")
            // A copy of the cookie kept from before signing out is refused.
            let copy = harness.shopper()
            await copy.setCookie("cartline_merchant", await owner.cookies["cartline_merchant"])
            let out = try await owner.send(.post, "/v1/merchant/sign-out")
            #expect(out.status == 204 && out.headers[values: .setCookie].contains { $0.hasPrefix("cartline_merchant=;") && $0.contains("Max-Age=0") })
            try await copy.send(.get, "/v1/merchant/session").expectProblem(401, type: "signed-out")
            try await harness.shopper().send(.get, "/v1/merchant/profile").expectProblem(401, type: "not-signed-in")

            let (ann, _) = try await Self.signIn(harness, login: "ann@demo.test")
            let invited = try await ann.send(.post, "/v1/merchant/users", json: ["login": "bob.member"])
            #expect(invited.status == 201 && invited.json["role"] as? String == "member", "\(invited.text)")
            let member = harness.shopper()
            let set = try await member.send(.post, "/v1/merchant/password", json: ["merchantId": "demo-shop", "login": "bob.member",
                                                                                   "code": invited.json["code"] as? String ?? "", "password": "bob's own password"])
            #expect(set.status == 200, "\(set.text)")
            try await member.send(.post, "/v1/merchant/users", json: ["login": "eve"]).expectProblem(403, type: "owner-only")
            try await member.send(.post, "/v1/merchant/users/ann@demo.test/revoke").expectProblem(403, type: "owner-only")
            let users = try await ann.send(.get, "/v1/merchant/users").json["users"] as? [[String: Any]] ?? []
            #expect(users.map { $0["login"] as? String } == ["ann@demo.test", "bob.member"] && users.map { $0["status"] as? String } == ["active", "active"])

            let revoked = try await ann.send(.post, "/v1/merchant/users/bob.member/revoke")
            #expect(revoked.status == 200 && revoked.json["generation"] as? Int == 1, "\(revoked.text)")
            try await member.send(.get, "/v1/merchant/calls").expectProblem(401, type: "sign-in-revoked")
            let (_, refused) = try await Self.signIn(harness, login: "bob.member", password: "bob's own password")
            refused.expectProblem(401, type: "wrong-credentials")
            #expect((try await ann.send(.get, "/v1/merchant/users").json["users"] as? [[String: Any]])?.last?["status"] as? String == "revoked")
            // Retiring the merchant ends its users' sessions.
            _ = try await harness.shopper().send(.post, "/v1/admin/merchants/demo-shop/retire", headers: Self.admin)
            try await ann.send(.get, "/v1/merchant/session").expectProblem(401, type: "sign-in-revoked")
        }
    }

    // MARK: settings

    @Test func aRuleChangedInTheConsoleIsInTheProfileAndTheIdleSchedulerUsesIt() async throws {
        let clock = AgentConsoleAPITests.TestClock()
        try await AgentConsoleAPITests.run(clock: clock) { harness in
            try await harness.registerMerchant()
            let owner = try await Self.owner(harness)
            let read = try await owner.send(.get, "/v1/merchant/profile")
            #expect(read.status == 200 && read.etag == "\"1\"", "\(read.text)")
            var merchant = try #require(read.json["merchant"] as? [String: Any])
            var engagement = try #require(merchant["engagement"] as? [String: Any])
            #expect(engagement["idleThresholdSeconds"] as? Int == 60)
            engagement["idleThresholdSeconds"] = 20
            merchant["engagement"] = engagement
            merchant["allowedOrigins"] = ["https://shop.example.com"]
            let changed = try await owner.send(.put, "/v1/merchant/profile", json: merchant, headers: ["If-Match": "\"1\""])
            #expect(changed.status == 200 && changed.etag == "\"2\"", "\(changed.text)")
            try await owner.send(.put, "/v1/merchant/profile", json: merchant, headers: ["If-Match": "\"1\""]).expectProblem(412, type: "stale-version")
            let profile = try await owner.send(.get, "/v1/merchant/profile").json["merchant"] as? [String: Any]
            #expect((profile?["engagement"] as? [String: Any])?["idleThresholdSeconds"] as? Int == 20)
            #expect(profile?["allowedOrigins"] as? [String] == ["https://shop.example.com"])
            let admin = try await harness.shopper().send(.get, "/v1/admin/merchants/demo-shop", headers: Self.admin)
            #expect(((admin.json["merchant"] as? [String: Any])?["engagement"] as? [String: Any])?["idleThresholdSeconds"] as? Int == 20)

            // The engine decides on the new threshold: a cart left alone 21 s is idle now.
            let store = harness.services.store
            let scheduler = IdleScheduler(store: store, merchants: MerchantDirectory(store: store, maxAge: .zero), clock: clock,
                                          logger: TestDatabase.logger)
            let consumers: [any LogConsumer] = ProjectionCatalog.live()
            let runner = ProjectorRunner(log: harness.log, projections: consumers, logger: TestDatabase.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runner.run() }
                defer { group.cancelAll() }
                let shopper = harness.shopper()
                let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
                #expect(try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1]).status == 200)
                try await WebhookAPITests.settle(harness.log, consumers: consumers)
                clock.advance(seconds: 15)
                #expect(try await scheduler.pass() == 0)
                clock.advance(seconds: 6)
                #expect(try await scheduler.pass() == 1)
                let engagement = try await harness.log.read(stream: .engagement(try #require(UUID(uuidString: cartId))))
                #expect(engagement.map(\.type).contains("CartIdled"), "\(engagement.map(\.type))")
            }
        }
    }

    @Test func agentCodesAndWebhookSecretsAreManagedFromTheConsole() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let owner = try await Self.owner(harness)
            let code = try await owner.send(.post, "/v1/merchant/agents/dana/sign-in-codes")
            #expect(code.status == 201 && code.json["agentName"] as? String == "Dana", "\(code.text)")
            let agent = try await harness.shopper().send(.post, "/v1/agent/sign-in",
                                                         json: ["merchantId": "demo-shop", "agentName": "Dana", "code": code.json["code"] as? String ?? ""])
            #expect(agent.status == 200)
            #expect(try await owner.send(.post, "/v1/merchant/agents/Dana/revoke").json["generation"] as? Int == 1)

            let added = try await owner.send(.post, "/v1/merchant/webhooks/secrets")
            #expect(added.status == 201 && (added.json["secret"] as? String)?.count == 64, "\(added.text)")
            let second = try await owner.send(.post, "/v1/merchant/webhooks/secrets", json: ["secret": "shopify-signing-secret-0001"])
            #expect(second.status == 201)
            try await owner.send(.post, "/v1/merchant/webhooks/secrets").expectProblem(409)
            let listed = try await owner.send(.get, "/v1/merchant/webhooks/secrets")
            #expect((listed.json["secrets"] as? [[String: Any]])?.count == 2 && !listed.text.contains("shopify-signing-secret"))
            let removed = try await owner.send(.delete, "/v1/merchant/webhooks/secrets/\(added.json["secretId"] as? String ?? "")")
            #expect(removed.status == 204)
            // A notification that fails shows among the failures.
            let unsigned = try await harness.shopper().send(.post, "/v1/webhooks/demo-shop/cartline", body: "{}")
            #expect(unsigned.status == 401)
            let failures = try await owner.send(.get, "/v1/merchant/webhooks/failures")
            #expect((failures.json["failures"] as? [[String: Any]])?.count == 1, "\(failures.text)")
        }
    }

    // MARK: reports

    @Test func callsSpendingInvoicesAndConversionAreTheMerchantsOwn() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let owner = try await Self.owner(harness)
            let callId = try await AgentConsoleAPITests.appendCall(harness)
            let calls = try await owner.send(.get, "/v1/merchant/calls?status=all")
            #expect(calls.status == 200 && AgentConsoleAPITests.calls(calls).map { $0["callId"] as? String } == [callId.uuidString.lowercased()],
                    "\(calls.text)")
            #expect(try await owner.send(.get, "/v1/merchant/calls?status=live").json["total"] as? Int == 1)
            let spending = try await owner.send(.get, "/v1/merchant/spending")
            #expect(spending.status == 200 && spending.json["payer"] as? String == "merchant" && spending.json["currency"] as? String == "EUR",
                    "\(spending.text)")
            #expect(try await owner.send(.get, "/v1/merchant/spending?month=2026-01").json["month"] as? String == "2026-01")
            #expect(try await owner.send(.get, "/v1/merchant/invoices").json["invoices"] as? [Any] != nil)

            // Four carts: two offered (one bought), two held out (one bought).
            let consumers: [any LogConsumer] = ProjectionCatalog.live()
            let runner = ProjectorRunner(log: harness.log, projections: consumers, logger: TestDatabase.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runner.run() }
                defer { group.cancelAll() }
                for (offered, bought) in [(true, true), (true, false), (false, true), (false, false)] {
                    try await Self.cartInGroup(harness, offered: offered, bought: bought)
                }
                try await WebhookAPITests.settle(harness.log, consumers: consumers)
            }
            let conversion = try await owner.send(.get, "/v1/merchant/conversion?days=7")
            #expect(conversion.status == 200, "\(conversion.text)")
            let groups = conversion.json["groups"] as? [[String: Any]] ?? []
            #expect(groups.map { $0["name"] as? String } == ["offered", "holdout"])
            #expect(groups.map { $0["carts"] as? Int } == [2, 2] && groups.map { $0["converted"] as? Int } == [1, 1], "\(conversion.text)")
            #expect(groups.first?["rateText"] as? String == "50.00 %" && groups.first?["revenueMicros"] as? Int == 129_500_000)
            #expect((conversion.json["uplift"] as? [String: Any])?["difference"] as? Double == 0)
        }
    }

    /// A cart of demo-shop that was offered a call or held out, checked out or not.
    static func cartInGroup(_ harness: WebHarness, offered: Bool, bought: Bool) async throws {
        let shopper = harness.shopper()
        let cartText = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
        let cartId = try #require(UUID(uuidString: cartText))
        _ = try await shopper.send(.post, "/v1/carts/\(cartText)/items", json: ["sku": "grinder", "quantity": 1])
        let now = Date()
        let decision = EngagementDecision(offer: offered, reasons: offered ? [] : [.holdout], expectedGainMicros: 1)
        var events = [NewEvent(id: UUID(), type: EngagementEvaluated.eventType,
                               data: try JSONPayload(encoding: Evaluated(cartId: cartId, cause: UUID(), decision: decision, at: now)))]
        if offered {
            events.append(NewEvent(id: UUID(), type: CallOffered.eventType,
                                   data: try JSONPayload(encoding: Offered(offerId: UUID(), cartId: cartId, shopperId: UUID(), merchantId: "demo-shop",
                                                                           cause: UUID(), expiresAt: now.addingTimeInterval(120), at: now))))
        }
        _ = try await harness.log.append(to: .engagement(cartId), events, expected: .any)
        if bought {
            let completed = CartEvent.checkoutCompleted(CheckoutCompleted(orderRef: "o-\(cartText.prefix(8))",
                                                                          total: Money(amountMicros: 129_500_000, currency: try Currency("EUR")), at: now))
            _ = try await harness.log.append(to: .cart(cartId), [try completed.encodedForLog().newEvent(id: UUID())], expected: .any)
        }
    }

    /// `EngagementEvaluated` and `CallOffered` as the log holds them (their initialisers are the saga's).
    struct Evaluated: Encodable { let cartId: UUID; let cause: UUID; let decision: EngagementDecision; let at: Date }
    struct Offered: Encodable { let offerId: UUID; let cartId: UUID; let shopperId: UUID; let merchantId: String; let cause: UUID; let expiresAt: Date; let at: Date }

    // MARK: one merchant only

    /// One console request made with merchant A's session that names merchant B's things,
    /// and what A must see: 404 for B's agent, secret or user, A's own data for lists.
    struct Probe {
        let method: HTTPRequest.Method
        let template: String
        let path: String
        let body: [String: Any]?
        let status: Int
        /// Text of merchant B that must not appear in the answer.
        let mustNotContain: [String]
    }

    @Test func anotherMerchantsAnythingIsRefusedOnEveryConsoleEndpoint() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant("shop-a")
            var shopB = WebHarness.merchantJSON("shop-b", name: "Shop B")
            shopB["agents"] = [["name": "Bob", "sipUri": "sip:bob@127.0.0.1:5071"]]
            #expect(try await harness.shopper().send(.post, "/v1/admin/merchants", json: shopB, headers: Self.admin).status == 201)
            let ann = try await Self.owner(harness, "shop-a", login: "ann@shop-a.test")
            let bob = try await Self.owner(harness, "shop-b", login: "bob@shop-b.test")
            let secretB = try await bob.send(.post, "/v1/merchant/webhooks/secrets", json: ["secret": "secret-of-shop-b-000001"])
            let secretIdB = try #require(secretB.json["secretId"] as? String)
            let callB = try await AgentConsoleAPITests.appendCall(harness, merchantId: "shop-b")
            _ = try await harness.shopper().send(.post, "/v1/webhooks/shop-b/cartline", body: "{\"from\":\"shop-b-failure\"}")
            let profileA = try await ann.send(.get, "/v1/merchant/profile").json["merchant"] as? [String: Any] ?? [:]
            var profileAsB = profileA
            profileAsB["merchantId"] = "shop-b"

            let probes: [Probe] = [
                Probe(method: .get, template: "/v1/merchant/session", path: "/v1/merchant/session", body: nil, status: 200, mustNotContain: ["shop-b"]),
                Probe(method: .get, template: "/v1/merchant/users", path: "/v1/merchant/users", body: nil, status: 200, mustNotContain: ["bob@shop-b.test"]),
                Probe(method: .post, template: "/v1/merchant/users", path: "/v1/merchant/users", body: ["login": "carl@shop-a.test"], status: 201,
                      mustNotContain: ["shop-b"]),
                Probe(method: .post, template: "/v1/merchant/users/{login}/revoke", path: "/v1/merchant/users/bob@shop-b.test/revoke", body: nil,
                      status: 404, mustNotContain: ["shop-b"]),
                Probe(method: .get, template: "/v1/merchant/profile", path: "/v1/merchant/profile", body: nil, status: 200, mustNotContain: ["shop-b", "Bob"]),
                Probe(method: .put, template: "/v1/merchant/profile", path: "/v1/merchant/profile", body: profileAsB, status: 422,
                      mustNotContain: ["Bob"]),
                Probe(method: .post, template: "/v1/merchant/agents/{agentName}/sign-in-codes", path: "/v1/merchant/agents/Bob/sign-in-codes", body: nil,
                      status: 404, mustNotContain: ["sip:bob"]),
                Probe(method: .post, template: "/v1/merchant/agents/{agentName}/revoke", path: "/v1/merchant/agents/Bob/revoke", body: nil, status: 404,
                      mustNotContain: ["sip:bob"]),
                Probe(method: .get, template: "/v1/merchant/webhooks/secrets", path: "/v1/merchant/webhooks/secrets", body: nil, status: 200,
                      mustNotContain: [secretIdB]),
                Probe(method: .post, template: "/v1/merchant/webhooks/secrets", path: "/v1/merchant/webhooks/secrets", body: nil, status: 201,
                      mustNotContain: [secretIdB]),
                Probe(method: .delete, template: "/v1/merchant/webhooks/secrets/{secretId}", path: "/v1/merchant/webhooks/secrets/\(secretIdB)", body: nil,
                      status: 404, mustNotContain: ["shop-b"]),
                Probe(method: .get, template: "/v1/merchant/webhooks/failures", path: "/v1/merchant/webhooks/failures", body: nil, status: 200,
                      mustNotContain: ["shop-b-failure"]),
                Probe(method: .get, template: "/v1/merchant/calls", path: "/v1/merchant/calls?status=all", body: nil, status: 200,
                      mustNotContain: [callB.uuidString.lowercased(), "shop-b"]),
                Probe(method: .get, template: "/v1/merchant/spending", path: "/v1/merchant/spending", body: nil, status: 200, mustNotContain: ["shop-b"]),
                Probe(method: .get, template: "/v1/merchant/invoices", path: "/v1/merchant/invoices", body: nil, status: 200, mustNotContain: ["shop-b"]),
                Probe(method: .get, template: "/v1/merchant/conversion", path: "/v1/merchant/conversion", body: nil, status: 200, mustNotContain: ["shop-b"]),
            ]
            // The table covers every console route that needs a session.
            let routes = try WebApplication.routeTable(harness.services).routes
                .filter { $0.path.hasPrefix("/v1/merchant/") && !["/v1/merchant/sign-in", "/v1/merchant/password", "/v1/merchant/sign-out"].contains($0.path) }
                .map { "\($0.method.rawValue) \($0.path)" }
            #expect(Set(routes) == Set(probes.map { "\($0.method.rawValue) \($0.template)" }))

            for probe in probes {
                let answer = try await ann.send(probe.method, probe.path, json: probe.body)
                #expect(answer.status == probe.status, "\(probe.method) \(probe.path): \(answer.text)")
                for text in probe.mustNotContain { #expect(!answer.text.contains(text), "\(probe.method) \(probe.path) shows \(text): \(answer.text)") }
                if probe.status >= 400 { answer.expectProblem(probe.status) }
                // Without a session every one of them is a 401 that says so.
                try await harness.shopper().send(probe.method, probe.path, json: probe.body).expectProblem(401, type: "not-signed-in")
            }
            // Merchant B is unchanged: its secret, agent, user and profile.
            #expect((try await bob.send(.get, "/v1/merchant/webhooks/secrets").json["secrets"] as? [Any])?.count == 1)
            #expect(try await bob.send(.get, "/v1/merchant/session").status == 200)
            #expect(try await bob.send(.get, "/v1/merchant/profile").etag == "\"1\"")
            // A's login with B's merchant id, and a cookie whose merchant was rewritten, are refused.
            let (_, crossed) = try await Self.signIn(harness, "shop-b", login: "ann@shop-a.test")
            crossed.expectProblem(401, type: "wrong-credentials")
            let cookie = try #require(await ann.cookies["cartline_merchant"])
            let parts = cookie.split(separator: ".")
            let payload = String(decoding: Data(base64Encoded: Self.padded(String(parts[1]))) ?? Data(), as: UTF8.self)
                .replacingOccurrences(of: "\"shop-a\"", with: "\"shop-b\"")
            let forged = harness.shopper()
            await forged.setCookie("cartline_merchant", "v1.\(Data(payload.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")).\(parts[2])")
            try await forged.send(.get, "/v1/merchant/profile").expectProblem(401, type: "sign-in-invalid")
        }
    }

    static func padded(_ base64URL: String) -> String {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return text
    }

    // MARK: bad input

    @Test func badInputIsAProblemNeverAServerError() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let owner = try await Self.owner(harness)
            let anyone = harness.shopper()
            try await anyone.send(.post, "/v1/merchant/sign-in", body: "{not json").expectProblem(400)
            try await anyone.send(.post, "/v1/merchant/sign-in", json: ["merchantId": "demo-shop", "login": "x"]).expectProblem(422)
            try await anyone.send(.post, "/v1/merchant/sign-in", json: ["merchantId": "demo-shop", "login": "x", "password": "y", "extra": 1])
                .expectProblem(422)
            try await anyone.send(.post, "/v1/merchant/sign-in", json: ["merchantId": "NOT A SHOP!!", "login": "%%", "password": String(repeating: "p", count: 500)])
                .expectProblem(401, type: "wrong-credentials")
            try await anyone.send(.post, "/v1/merchant/sign-in", body: "{\"merchantId\":\"" + String(repeating: "a", count: 10_000) + "\"}")
                .expectProblem(413)
            try await anyone.send(.post, "/v1/merchant/password", json: ["merchantId": "demo-shop", "login": "owner@demo.test", "code": "ABCD-EFGH",
                                                                         "password": "short"]).expectProblem(422)
            try await anyone.send(.post, "/v1/merchant/password", json: ["merchantId": "demo-shop", "login": "nobody", "code": "not a code",
                                                                         "password": "long enough password"]).expectProblem(401, type: "wrong-code")
            try await harness.shopper().send(.post, "/v1/admin/merchants/demo-shop/users", json: ["login": "no spaces allowed"], headers: Self.admin)
                .expectProblem(422)
            try await harness.shopper().send(.post, "/v1/admin/merchants/nowhere/users", json: ["login": "ann"], headers: Self.admin).expectProblem(404)
            try await harness.shopper().send(.post, "/v1/admin/merchants/demo-shop/users", json: ["login": "ann"]).expectProblem(401)
            try await owner.send(.post, "/v1/merchant/users", json: ["login": "ann", "role": "king"]).expectProblem(422)
            try await owner.send(.post, "/v1/merchant/users", json: ["login": "a@b"]).expectProblem(422)
            try await owner.send(.get, "/v1/merchant/spending?month=2026-13").expectProblem(422)
            try await owner.send(.get, "/v1/merchant/conversion?days=0").expectProblem(422)
            try await owner.send(.get, "/v1/merchant/calls?status=bogus").expectProblem(422)
            try await owner.send(.get, "/v1/merchant/calls?page=-1").expectProblem(422)
            try await owner.send(.put, "/v1/merchant/profile", json: ["name": "x"]).expectProblem(422)
            try await owner.send(.put, "/v1/merchant/profile", body: "[]").expectProblem(422)
            var merchant = WebHarness.merchantJSON(nil)
            merchant["engagement"] = ["idleThresholdSeconds": -5, "marginBasisPoints": 2500, "upliftBasisPoints": 1500, "expectedCallCostMicros": 0,
                                      "minimumGainMicros": 0, "cooldownSeconds": 3600, "holdoutBasisPoints": 0, "offerTTLSeconds": 120]
            try await owner.send(.put, "/v1/merchant/profile", json: merchant).expectProblem(422)
            try await owner.send(.put, "/v1/merchant/profile", json: WebHarness.merchantJSON(nil), headers: ["If-Match": "W/\"x\""]).expectProblem(412)
            try await owner.send(.post, "/v1/merchant/webhooks/secrets", json: ["secret": "short"]).expectProblem(422)
            try await owner.send(.delete, "/v1/merchant/webhooks/secrets/\(String(repeating: "z", count: 300))").expectProblem(404)
            try await owner.send(.post, "/v1/merchant/agents/\(String(repeating: "z", count: 300))/sign-in-codes").expectProblem(404)
            try await owner.send(.post, "/v1/merchant/users/%20/revoke").expectProblem(404)
        }
    }
}
