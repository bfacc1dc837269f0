import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing
import WebAPI

@Suite("Browser mode: preferences, calls to the page and the page's gateway credentials")
struct BrowserVoiceAPITests {
    static let gatewaySecret = "test-gateway-secret-0123456789abcdef"
    static let tokenSecret = "test-janus-token-secret-0123456789"

    static func gateway() throws -> GatewaySettings {
        try GatewaySettings(websocketURL: "ws://127.0.0.1:18188", registrar: "127.0.0.1:15070",
                            gatewaySecret: gatewaySecret, janusTokenSecret: tokenSecret)
    }

    /// `WebHarness.run` with (or without) a browser gateway configured.
    static func run(gateway: GatewaySettings?, _ body: @Sendable (WebHarness) async throws -> Void) async throws {
        let contract = try OpenAPIContract.load()
        try await TestDatabase.with { database in
            try await database.withEventLog { log in
                var configuration = WebHarness.testConfiguration()
                configuration.gateway = gateway
                let services = WebServices(log: log, configuration: configuration, sealingKey: SecretKey(),
                                           sealingKeyID: "s1", metrics: PrometheusCollectorRegistry())
                let app = Application(router: try WebApplication.router(services), logger: TestDatabase.logger)
                try await app.test(.router) { client in
                    try await body(WebHarness(database: database, log: log, services: services, client: client, contract: contract))
                }
            }
        }
    }

    /// What Tools/janus/check computes, by Python's hashlib and hmac: password, proof, token MAC.
    static func expected(user: String, tokenData: String) throws -> [String] {
        let script = """
            import base64, hashlib, hmac, sys
            secret, token_secret, user, data = sys.argv[1:5]
            print(hashlib.sha256(f"{secret}:{user}".encode()).hexdigest())
            print(hashlib.sha256(f"{secret}:invite:{user}".encode()).hexdigest())
            print(base64.b64encode(hmac.new(token_secret.encode(), data.encode(), hashlib.sha1).digest()).decode())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, gatewaySecret, tokenSecret, user, tokenData]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func consentWithoutANumberOrSIPURIMeansBrowserModeAndTheCookieKeepsIt() async throws {
        try await Self.run(gateway: nil) { harness in
            let shopper = harness.shopper()
            let put = try await shopper.send(.put, "/v1/preferences", json: ["consent": true])
            #expect(put.status == 200, "\(put.text)")
            #expect(put.json["mode"] as? String == "browser")
            let fromCookie = try await shopper.send(.get, "/v1/preferences")
            #expect(fromCookie.json["source"] as? String == "cookie" && fromCookie.json["mode"] as? String == "browser")
            await shopper.setCookie("cartline_prefs", nil)
            #expect(try await shopper.send(.get, "/v1/preferences").json["mode"] as? String == "browser")
            // Without a mode, what is given decides; PSTN and VoIP are as they were.
            #expect(try await shopper.send(.put, "/v1/preferences", json: ["phone": "+4930123456", "consent": true]).json["mode"] as? String == "pstn")
            #expect(try await shopper.send(.put, "/v1/preferences", json: ["sipUri": "sip:ann@example.net", "consent": true, "mode": ""])
                .json["mode"] as? String == "voip")
            #expect(try await shopper.send(.put, "/v1/preferences", json: ["mode": "browser", "consent": true]).json["mode"] as? String == "browser")
            try await shopper.send(.put, "/v1/preferences", json: ["mode": "pstn", "consent": true]).expectProblem(422)
            let fax = try await shopper.send(.put, "/v1/preferences", json: ["mode": "fax", "consent": true])
            fax.expectProblem(422)
            #expect((fax.json["detail"] as? String)?.contains("browser, voip or pstn") == true)
        }
    }

    @Test func aBrowserCallGetsCredentialsForItsOwnShopperOnly() async throws {
        try await Self.run(gateway: try Self.gateway()) { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: ["consent": true])
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            let before = Int64(Date().timeIntervalSince1970)
            let accepted = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")
            #expect(accepted.status == 200, "\(accepted.text)")
            #expect(accepted.json["mode"] as? String == "browser" && accepted.json["modeText"] as? String == "here in your browser")
            let callText = try #require(accepted.json["callId"] as? String)
            let callId = try #require(UUID(uuidString: callText))
            // The intent names the call, not the shopper, and carries the page's join expiry.
            let request = try #require(try await AggregateStore(log: harness.log).load(CallAggregate.self, .call(callId)).state.request)
            #expect(request.destination == "browser:\(callText)")
            let expiry = try #require(request.joinExpiresAtUnixSeconds)
            #expect((before + BrowserLeg.joinWindowSeconds...before + BrowserLeg.joinWindowSeconds + 2).contains(expiry))

            let voice = try await shopper.send(.post, "/v1/calls/\(callText)/voice")
            #expect(voice.status == 200, "\(voice.text)")
            #expect(voice.headers[.cacheControl] == "no-store")
            let user = try #require(voice.json["sipUser"] as? String)
            #expect(user == callText.replacingOccurrences(of: "-", with: "") + ".\(expiry)")
            #expect(voice.json["websocketUrl"] as? String == "ws://127.0.0.1:18188")
            #expect(voice.json["registrar"] as? String == "127.0.0.1:15070")
            #expect((voice.json["iceServers"] as? [Any])?.isEmpty == true)
            let expiresAt = try #require((voice.json["expiresAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
            #expect(Int64(expiresAt.timeIntervalSince1970) == expiry)
            let token = try #require(voice.json["janusToken"] as? String)
            let tokenParts = token.split(separator: ":", maxSplits: 1).map(String.init)
            #expect(tokenParts.count == 2 && tokenParts[0].hasSuffix(",janus,janus.plugin.sip"))
            let tokenExpiry = try #require(Int64(tokenParts[0].split(separator: ",")[0]))
            #expect(tokenExpiry > before + 2 * 3_600, "the token covers the longest call")
            let expected = try Self.expected(user: user, tokenData: tokenParts[0])
            #expect(voice.json["sipPassword"] as? String == expected[0])
            #expect(voice.json["proof"] as? String == expected[1])
            #expect(tokenParts[1] == expected[2])

            // Another shopper, an unknown call: no such call.
            try await harness.shopper().send(.post, "/v1/calls/\(callText)/voice").expectProblem(404)
            try await shopper.send(.post, "/v1/calls/\(UUID().uuidString)/voice").expectProblem(404)

            // Another call's credentials open nothing of this one.
            let (_, secondOffer) = try await OfferAPITests.offeredCart(harness, shopper)
            let second = try #require(try await shopper.send(.post, "/v1/offers/\(secondOffer.uuidString.lowercased())/accept").json["callId"] as? String)
            let other = try await shopper.send(.post, "/v1/calls/\(second)/voice")
            #expect(other.status == 200)
            #expect(other.json["sipUser"] as? String != user && other.json["sipPassword"] as? String != voice.json["sipPassword"] as? String)
            #expect(other.json["proof"] as? String != voice.json["proof"] as? String)

            // A call that is over gives none.
            #expect(try await shopper.send(.post, "/v1/calls/\(second)/cancel").json["status"] as? String == "failed")
            let over = try await shopper.send(.post, "/v1/calls/\(second)/voice")
            over.expectProblem(409)
            #expect((over.json["detail"] as? String)?.contains("over") == true)
        }
    }

    @Test func aPhoneCallHasNoBrowserCredentials() async throws {
        try await Self.run(gateway: try Self.gateway()) { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: ["mode": "pstn", "phone": "+4930123456", "consent": true])
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            let callId = try #require(try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept").json["callId"] as? String)
            let voice = try await shopper.send(.post, "/v1/calls/\(callId)/voice")
            voice.expectProblem(409)
            #expect((voice.json["detail"] as? String)?.contains("not in the browser") == true)
        }
    }

    @Test func withoutAGatewayBrowserModeIsExplainedNeverAServerError() async throws {
        try await Self.run(gateway: nil) { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: ["consent": true])
            let (cartId, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            let accepted = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")
            accepted.expectProblem(409)
            #expect((accepted.json["detail"] as? String)?.contains("not available") == true, "\(accepted.text)")
            let help = try await shopper.send(.post, "/v1/carts/\(cartId.uuidString.lowercased())/call")
            #expect(help.status == 200)
            #expect(help.json["action"] as? String == "explain")
            #expect((help.json["reason"] as? String)?.contains("not available") == true)
            // A phone call then; its voice credentials are refused as such, not as a crash.
            _ = try await shopper.send(.put, "/v1/preferences", json: ["phone": "+4930123456", "consent": true])
            let callId = try #require(try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept").json["callId"] as? String)
            try await shopper.send(.post, "/v1/calls/\(callId)/voice").expectProblem(409)
        }
    }

    @Test func gatewaySettingsComeAllTogetherOrNotAtAll() throws {
        #expect(try GatewaySettings.fromEnvironment([:]) == nil)
        let all = ["CARTLINE_JANUS_WS_URL": "ws://127.0.0.1:8188", "CARTLINE_GATEWAY_REGISTRAR": "127.0.0.1:5070",
                   "CARTLINE_GATEWAY_SECRET": Self.gatewaySecret, "CARTLINE_JANUS_TOKEN_SECRET": Self.tokenSecret]
        #expect(try GatewaySettings.fromEnvironment(all)?.registrar == "127.0.0.1:5070")
        var partial = all
        partial["CARTLINE_JANUS_TOKEN_SECRET"] = nil
        #expect(throws: GatewaySettingsError.self) { try GatewaySettings.fromEnvironment(partial) }
        var badURL = all
        badURL["CARTLINE_JANUS_WS_URL"] = "http://127.0.0.1:8188"
        #expect(throws: GatewaySettingsError.self) { try GatewaySettings.fromEnvironment(badURL) }
        var badRegistrar = all
        badRegistrar["CARTLINE_GATEWAY_REGISTRAR"] = "127.0.0.1"
        #expect(throws: GatewaySettingsError.self) { try GatewaySettings.fromEnvironment(badRegistrar) }
        #expect(try GatewaySettings.fromEnvironment(all)?.iceServers == [])
    }

    @Test func iceServersReachThePageWithTURNCredentialsWhereTheyApply() async throws {
        var environment = ["CARTLINE_JANUS_WS_URL": "ws://127.0.0.1:18188", "CARTLINE_GATEWAY_REGISTRAR": "127.0.0.1:15070",
                           "CARTLINE_GATEWAY_SECRET": Self.gatewaySecret, "CARTLINE_JANUS_TOKEN_SECRET": Self.tokenSecret,
                           "CARTLINE_ICE_SERVERS": "stun:stun.example.com:3478, turn:turn.example.com:3478?transport=udp",
                           "CARTLINE_TURN_USERNAME": "cartline", "CARTLINE_TURN_CREDENTIAL": "turn-secret"]
        let gateway = try #require(try GatewaySettings.fromEnvironment(environment))
        #expect(gateway.iceServers == [IceServer(url: "stun:stun.example.com:3478", username: nil, credential: nil),
                                       IceServer(url: "turn:turn.example.com:3478?transport=udp", username: "cartline", credential: "turn-secret")])
        for bad in ["http://stun.example.com", "stun:", "stun:a\"b", Array(repeating: "stun:s.example.com", count: 9).joined(separator: ",")] {
            environment["CARTLINE_ICE_SERVERS"] = bad
            #expect(throws: GatewaySettingsError.self, "\(bad)") { try GatewaySettings.fromEnvironment(environment) }
        }
        environment["CARTLINE_ICE_SERVERS"] = "turn:turn.example.com:3478"
        environment["CARTLINE_TURN_CREDENTIAL"] = nil
        #expect(throws: GatewaySettingsError.self) { try GatewaySettings.fromEnvironment(environment) }

        try await Self.run(gateway: gateway) { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: ["consent": true])
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            let callId = try #require(try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept").json["callId"] as? String)
            let voice = try await shopper.send(.post, "/v1/calls/\(callId)/voice")
            let servers = try #require(voice.json["iceServers"] as? [[String: Any]])
            #expect(servers.count == 2)
            #expect(servers[0]["urls"] as? [String] == ["stun:stun.example.com:3478"] && servers[0]["username"] == nil)
            #expect(servers[1]["username"] as? String == "cartline" && servers[1]["credential"] as? String == "turn-secret")
        }
    }
}
