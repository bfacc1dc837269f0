import AsyncHTTPClient
import CartlineTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOFoundationEssentialsCompat
import NIOHTTP1
import NIOPosix
import NIOCore
import Testing
import WebAPI

/// Issue 14: offer streams had no cap per shopper or in all; a page opening tabs without end,
/// or a flood of clients, could hold every connection.
@Suite("Offer streams are bounded per shopper and in all")
struct OfferStreamLimitsTests {
    static func configuration(perShopper: Int, total: Int) -> WebConfiguration {
        var configuration = WebHarness.testConfiguration()
        configuration.streamLimits = OfferHub.Limits(perShopper: perShopper, total: total)
        return configuration
    }

    /// The status and the problem of one more stream, read without waiting for its end.
    static func refused(_ web: LiveWeb, _ shopper: APIClient) async throws -> (status: Int, retryAfter: String?, detail: String) {
        let port = try #require(web.harness.client.port)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/offers/stream")
        let cookies = await shopper.cookies
        request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        let response = try await web.http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 * 1024)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any]
        return (Int(response.status.code), response.headers.first(name: "Retry-After"), json?["detail"] as? String ?? "")
    }

    @Test func aShopperPastTheirShareGivesUpTheirOldestStreamNeverGetsLockedOut() async throws {
        try await LiveWeb.run(configuration: Self.configuration(perShopper: 2, total: 100)) { web in
            let shopper = web.harness.shopper()
            _ = try await shopper.send(.get, "/v1/engagement")  // a session
            var oldest = try await EventStreamReader.open(web, shopper)
            let second = try await EventStreamReader.open(web, shopper)
            let third = try await EventStreamReader.open(web, shopper)
            #expect(web.harness.services.hub.openStreams == 2, "a shopper holds at most their share")
            // The oldest stream was ended by the server to make room.
            await #expect(throws: (any Error).self) { _ = try await oldest.next("offer") }
            _ = (second, third)
        }
    }

    @Test func theServerHoldsAtMostItsLimitInAll() async throws {
        try await LiveWeb.run(configuration: Self.configuration(perShopper: 8, total: 2)) { web in
            var readers: [EventStreamReader] = []
            for _ in 0..<2 {
                let shopper = web.harness.shopper()
                _ = try await shopper.send(.get, "/v1/engagement")
                readers.append(try await EventStreamReader.open(web, shopper))
            }
            let shopper = web.harness.shopper()
            _ = try await shopper.send(.get, "/v1/engagement")
            let refused = try await Self.refused(web, shopper)
            #expect(refused.status == 503 && refused.retryAfter == "10", "\(refused)")
            #expect(web.harness.services.hub.openStreams == 2)
            _ = readers
        }
    }
}
