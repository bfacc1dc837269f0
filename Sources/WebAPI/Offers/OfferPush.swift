import Domain
import Foundation

/// One Server-Sent Event for a shopper's browser.
enum OfferPush: Sendable {
    case offer(CallOffered)
    case expired(OfferExpired)
    /// Declined in one tab: every other tab withdraws the offer too, and says so.
    case declined(offerId: UUID)
    /// The call's state after one of its events (or on connection, its state now).
    case call(CallView)
    case heartbeat

    /// The event in `text/event-stream` framing.
    var text: String {
        switch self {
        case .offer(let offer):
            let data = OfferView(offer)
            return "id: \(offer.offerId.uuidString.lowercased())\nevent: offer\ndata: \(Self.json(data))\n\n"
        case .expired(let expired):
            let data = ExpiredOfferView(offerId: expired.offerId.uuidString.lowercased(), status: "expired")
            return "event: offer\ndata: \(Self.json(data))\n\n"
        case .declined(let offerId):
            let data = DeclinedView(offerId: offerId.uuidString.lowercased(), status: "declined")
            return "event: offer\ndata: \(Self.json(data))\n\n"
        case .call(let view):
            return "event: call\ndata: \(Self.json(view))\n\n"
        case .heartbeat:
            return ": keep-alive\n\n"
        }
    }

    private static func json<Value: Encodable>(_ value: Value) -> String {
        (try? String(decoding: JSONEncoder.sortedKeys.encode(value), as: UTF8.self)) ?? "{}"
    }
}
