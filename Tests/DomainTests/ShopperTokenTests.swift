import Domain
import Foundation
import Testing

@Suite("Shopper tokens for the widget: claims read, anything else refused in words")
struct ShopperTokenTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func encode(_ json: String) -> String {
        Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static let signature = encode(String(repeating: "s", count: 32))

    @Test func aCustomerOrACartIsNamedWithAnExpiryWithinTheHour() throws {
        let customer = try ShopperToken("v1.\(Self.encode(#"{"merchant":"demo-shop","customer":"c-42","exp":1800000600}"#)).\(Self.signature)", now: Self.now)
        #expect(customer.merchantId == "demo-shop" && customer.subject == .customer("c-42") && customer.expiresAtUnixSeconds == 1_800_000_600)
        #expect(customer.signature.count == 32)
        #expect(customer.signedBytes == Array(("cartline-shopper-token.v1." + customer.encodedPayload).utf8))
        let cart = try ShopperToken("v1.\(Self.encode(#"{"merchant":"demo-shop","cart":"abc123","exp":1800003600}"#)).\(Self.signature)", now: Self.now)
        #expect(cart.subject == .cart("abc123"))
    }

    @Test func malformedTokensAreRefusedNeverACrash() {
        let payloads = [
            #"{"merchant":"demo-shop","exp":1800000600}"#,                                   // no subject
            #"{"merchant":"demo-shop","customer":"c","cart":"x","exp":1800000600}"#,         // both
            #"{"merchant":"demo-shop","customer":"c","exp":1800000600.5}"#,                   // not whole seconds
            #"{"merchant":"demo-shop","customer":"c","exp":true}"#,
            #"{"merchant":"demo-shop","customer":"c","exp":"1800000600"}"#,
            #"{"merchant":"","customer":"c","exp":1800000600}"#,
            #"{"merchant":"demo-shop","customer":"","exp":1800000600}"#,
            #"{"merchant":"demo-shop","customer":"a b","exp":1800000600}"#,
            #"{"merchant":"demo-shop","customer":"c","exp":1800000600,"admin":true}"#,      // unknown field
            #"{"merchant":"demo-shop","customer":"c","exp":1800007200}"#,                    // lives two hours
            #"[1,2,3]"#, "not json", "",
        ]
        for payload in payloads {
            #expect(throws: ShopperTokenError.self, "\(payload)") { try ShopperToken("v1.\(Self.encode(payload)).\(Self.signature)", now: Self.now) }
        }
        let good = Self.encode(#"{"merchant":"demo-shop","customer":"c","exp":1800000600}"#)
        for text in ["", "v1", "v2.\(good).\(Self.signature)", "v1.\(good)", "v1.\(good).\(Self.signature).x", "v1.\(good).c2hvcnQ",
                     "v1.\(good).\(Self.signature)==", "v1.%%%.\(Self.signature)", String(repeating: "a", count: 5_000)] {
            #expect(throws: ShopperTokenError.self, "\(text.prefix(60))") { try ShopperToken(text, now: Self.now) }
        }
    }

    @Test func anExpiredTokenIsToldApart() {
        let payload = Self.encode(#"{"merchant":"demo-shop","customer":"c","exp":1800000000}"#)
        #expect(throws: ShopperTokenError.expired("the shopper token expired; the page asks the shop for a new one")) {
            try ShopperToken("v1.\(payload).\(Self.signature)", now: Self.now)
        }
    }
}
