import Domain
import Foundation

/// `event: offer` when an offer lapses: the page withdraws it.
struct ExpiredOfferView: Codable, Sendable {
    let offerId: String
    let status: String
}

struct OfferView: Encodable, Sendable {
    let status = "open"
    let offerId: String
    let cartId: String
    let merchantId: String
    let expiresAt: Date

    init(_ offer: CallOffered) {
        self.offerId = offer.offerId.uuidString.lowercased()
        self.cartId = offer.cartId.uuidString.lowercased()
        self.merchantId = offer.merchantId
        self.expiresAt = offer.expiresAt
    }
}

struct CallView: Codable, Sendable {
    let callId: String
    let status: String
    let cartId: String
    let mode: String
    let destination: String
    let agentName: String

    init(_ call: CallRequested, status: String) {
        self.callId = call.callId.uuidString.lowercased()
        self.status = status
        self.cartId = call.cartId.uuidString.lowercased()
        self.mode = call.mode.rawValue
        self.destination = call.destination
        self.agentName = call.agentName
    }
}

struct DeclinedView: Codable, Sendable {
    let offerId: String
    let status: String
}

/// The answer to the help action and the click-to-call link.
struct HelpView: Codable, Sendable {
    let action: String
    let reason: String?
    let callbackAt: Date?
    let call: CallView?

    init(_ outcome: EngagementSaga.HelpOutcome) {
        switch outcome {
        case .call(let call):
            (action, reason, callbackAt, self.call) = ("call", nil, nil, CallView(call, status: "requested"))
        case .callback(let at, let why):
            (action, reason, callbackAt, self.call) = ("callback", why, at, nil)
        case .explain(let why):
            (action, reason, callbackAt, self.call) = ("explain", why, nil, nil)
        }
    }
}
