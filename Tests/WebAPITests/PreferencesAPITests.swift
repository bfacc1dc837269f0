import CartlineTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("Preferences API: the log, the encrypted cookie, and bad cookies")
struct PreferencesAPITests {
    static var pstn: [String: Any] { [
        "mode": "pstn", "phone": "+4930123456", "sipUri": "sip:ann@example.net", "consent": true,
        "quietHours": ["start": "21:00", "end": "08:00"], "timeZone": "Europe/Berlin",
    ] }

    @Test func preferencesAreStoredInTheLogAndAnEncryptedCookie() async throws {
        try await WebHarness.run { harness in
            let shopper = harness.shopper()
            try await shopper.send(.get, "/v1/preferences").expectProblem(404, type: "no-preferences")
            let put = try await shopper.send(.put, "/v1/preferences", json: Self.pstn)
            #expect(put.status == 200)
            let cookie = try #require(put.setCookies.first { $0.name == "cartline_prefs" })
            #expect(cookie.attributes.contains("HttpOnly"))
            #expect(!cookie.value.contains("4930123456"))  // encrypted, not merely encoded
            #expect(cookie.value.hasPrefix("p2."))  // the newest key of the ring

            let fromCookie = try await shopper.send(.get, "/v1/preferences")
            #expect(fromCookie.json["source"] as? String == "cookie")
            #expect(fromCookie.json["phone"] as? String == "+4930123456")

            await shopper.setCookie("cartline_prefs", nil)
            let fromLog = try await shopper.send(.get, "/v1/preferences")
            #expect(fromLog.json["source"] as? String == "log")
            #expect(fromLog.json["phone"] as? String == "+4930123456")
            #expect((fromLog.json["quietHours"] as? [String: String])?["start"] == "21:00")
            #expect(fromLog.setCookies.contains { $0.name == "cartline_prefs" })  // re-issued
        }
    }

    @Test func thePhoneNumberIsSealedInTheEvent() async throws {
        try await WebHarness.run { harness in
            _ = try await harness.shopper().send(.put, "/v1/preferences", json: Self.pstn)
            let rows = try await harness.database.client.query(
                "SELECT data::text FROM events WHERE event_type = 'PreferencesSet'", logger: TestDatabase.logger)
            var payloads: [String] = []
            for try await text in rows.decode(String.self) { payloads.append(text) }
            #expect(payloads.count == 1)
            #expect(payloads.allSatisfy { !$0.contains("4930123456") && $0.contains("sealed1.") })
        }
    }

    @Test func aTamperedTruncatedOrForeignCookieIsIgnoredAndTheLogAnswers() async throws {
        try await WebHarness.run { harness in
            let shopper = harness.shopper()
            let cookie = try #require(try await shopper.send(.put, "/v1/preferences", json: Self.pstn)
                .setCookies.first { $0.name == "cartline_prefs" }?.value)
            var flipped = Array(cookie)
            flipped[flipped.count - 5] = flipped[flipped.count - 5] == "A" ? "B" : "A"
            let other = harness.shopper()
            let theirs = try #require(try await other.send(.put, "/v1/preferences", json: ["mode": "voip", "sipUri": "sip:bob@example.net", "consent": false])
                .setCookies.first { $0.name == "cartline_prefs" }?.value)
            let foreignKey = "p9." + cookie.split(separator: ".")[1]
            for bad in [String(flipped), String(cookie.prefix(cookie.count / 2)), theirs, foreignKey, "garbage", "p2.", "p2.!!!!"] {
                await shopper.setCookie("cartline_prefs", bad)
                let result = try await shopper.send(.get, "/v1/preferences")
                #expect(result.status == 200)
                #expect(result.json["source"] as? String == "log", "cookie \(bad.prefix(20)) was trusted")
                #expect(result.json["mode"] as? String == "pstn")
            }
        }
    }

    @Test func invalidPreferencesAreRefusedWithTheReason() async throws {
        try await WebHarness.run { harness in
            let shopper = harness.shopper()
            let cases: [[String: Any]] = [
                ["mode": "fax", "consent": true],
                ["mode": "pstn", "consent": true],  // pstn without a phone
                ["mode": "pstn", "phone": "030123456", "consent": true],
                ["mode": "voip", "sipUri": "ann@example.net", "consent": true],
                ["mode": "voip", "sipUri": "sip:ann@example.net", "consent": "yes"],
                ["mode": "voip", "sipUri": "sip:ann@example.net", "consent": true, "timeZone": "Mars/Olympus"],
                ["mode": "voip", "sipUri": "sip:ann@example.net", "consent": true, "quietHours": ["start": "25:00", "end": "08:00"]],
                ["mode": "voip", "sipUri": "sip:ann@example.net", "consent": true, "colour": "blue"],
                ["mode": "voip", "sipUri": "sip:ann@example.net"],
            ]
            for body in cases {
                let result = try await shopper.send(.put, "/v1/preferences", json: body)
                result.expectProblem(422)
            }
            try await shopper.send(.put, "/v1/preferences", body: "{\"mode\":").expectProblem(400)
            try await shopper.send(.get, "/v1/preferences").expectProblem(404)
        }
    }
}
