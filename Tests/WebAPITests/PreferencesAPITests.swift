import CartlineTestSupport
import Foundation
import HTTPTypes
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

    @Test func aNationalNumberIsReadInTheChosenCountryAndACityNamesTheTimeZone() async throws {
        try await WebHarness.run { harness in
            let shopper = harness.shopper()
            let put = try await shopper.send(.put, "/v1/preferences", json: [
                "mode": "pstn", "phone": "(030) 123-456", "country": "DE", "consent": true,
                "quietHours": ["start": "21:00", "end": "08:00"], "timeZone": "berlin",
            ])
            #expect(put.status == 200)
            #expect(put.json["phone"] as? String == "+4930123456")
            #expect(put.json["timeZone"] as? String == "Europe/Berlin")
            #expect(put.json["country"] == nil, "country only reads the number; it is not stored")
            await shopper.setCookie("cartline_prefs", nil)
            let fromLog = try await shopper.send(.get, "/v1/preferences")
            #expect(fromLog.json["phone"] as? String == "+4930123456")

            let international = try await shopper.send(.put, "/v1/preferences", json: [
                "mode": "pstn", "phone": "+44 (0)20 7946 0958", "country": "DE", "consent": true,
            ])
            #expect(international.json["phone"] as? String == "+442079460958")
        }
    }

    @Test func blankFieldsOfAFormCountAsAbsent() async throws {
        try await WebHarness.run { harness in
            let result = try await harness.shopper().send(.put, "/v1/preferences", json: [
                "mode": "voip", "sipUri": "sip:ann@example.net", "consent": true, "phone": "", "timeZone": " ", "country": "",
                "quietHours": ["start": "", "end": ""],
            ])
            #expect(result.status == 200)
            #expect(result.json["quietHours"] == nil)
            #expect(result.json["timeZone"] == nil)
        }
    }

    @Test func refusalsSayWhatToDo() async throws {
        try await WebHarness.run { harness in
            let shopper = harness.shopper()
            let voip: [String: Any] = ["mode": "voip", "sipUri": "sip:ann@example.net", "consent": true]
            let cases: [([String: Any], String)] = [
                (["mode": "pstn", "phone": "030 123456", "consent": true],
                 "write your number with its country code (e.g. +49 30 123456), or choose your country"),
                (["mode": "pstn", "phone": "+999999999999999", "consent": true],
                 "+999 is not a country calling code; start with + and your country code, e.g. +49 30 123456"),
                (["mode": "pstn", "phone": "+49 12", "consent": true], "numbers in Germany have 5 to 13 digits after +49; this one has 2"),
                (["mode": "pstn", "phone": "030 123456", "country": "Germany", "consent": true], "country must be a two-letter code such as DE"),
                (["mode": "pstn", "phone": "030 123456", "country": "ZZ", "consent": true], "'ZZ' is not a country we can read numbers for"),
                (voip.merging(["quietHours": ["start": "21:00"], "timeZone": "Europe/Berlin"]) { $1 },
                 "quiet hours need both a start and an end (e.g. 21:00 to 08:00)"),
                (voip.merging(["quietHours": ["start": "", "end": "08:00"], "timeZone": "Europe/Berlin"]) { $1 },
                 "quiet hours need both a start and an end (e.g. 21:00 to 08:00)"),
                (voip.merging(["quietHours": ["start": "21:00", "end": "08:00"]]) { $1 }, "quiet hours need your time zone"),
                (voip.merging(["timeZone": "Atlantis"]) { $1 }, "unknown time zone 'Atlantis'; choose a city such as Europe/Berlin"),
                (voip.merging(["consent": "yes"]) { $1 }, "'consent' must be true or false"),
                (voip.merging(["phone": 4930123456]) { $1 }, "'phone' must be text in quotes"),
                (voip.merging(["quietHours": "21-8"]) { $1 }, "'quietHours' must be an object in { }"),
                (voip.merging(["colour": "blue"]) { $1 }, "unknown field 'colour'; remove it (the fields are consent, country, mode"),
                (["mode": "voip", "sipUri": "sip:ann@example.net"], "missing field 'consent'; add it to the body"),
            ]
            for (body, detail) in cases {
                let result = try await shopper.send(.put, "/v1/preferences", json: body)
                result.expectProblem(422)
                #expect((result.json["detail"] as? String)?.contains(detail) == true, "\(result.json["detail"] ?? "no detail")")
            }
            let broken = try await shopper.send(.put, "/v1/preferences", body: "{\"mode\":")
            broken.expectProblem(400)
            #expect((broken.json["detail"] as? String)?.contains("check its quotes, commas and brackets") == true)
        }
    }
}
