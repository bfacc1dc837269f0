import Foundation

/// The intent the telephony node acts on: everything a call needs, stored first in
/// `call-<callId>` (and echoed in the engagement stream).
public struct CallRequested: EventPayload {
    public static let eventType = "CallRequested"
    public let callId: UUID
    public let offerId: UUID?
    public let cartId: UUID
    public let shopperId: UUID
    public let merchantId: String
    public let mode: ContactPreferences.Mode
    /// E.164 number for PSTN, SIP URI for VoIP (both sealed), `browser:<callId>` for the page.
    public let destination: String
    public let agentName: String
    public let agentSipUri: String
    public let at: Date
    /// The terms the call is billed under, decided when it is requested; nil: not billed
    /// (calls requested before charging existed).
    public let charge: ChargeTerms?
    /// Browser calls only: until when (Unix seconds) the page may first join; with the call
    /// id it names the gateway user (`BrowserLeg.sipUser`). Nil for other modes.
    public let joinExpiresAtUnixSeconds: Int64?
    /// Calls routed to an agent who answers in the agent console (`agentSipUri` is
    /// `SalesAgent.consoleAddress`): until when the console may first join. Nil otherwise.
    public let agentJoinExpiresAtUnixSeconds: Int64?

    public init(callId: UUID, offerId: UUID?, cartId: UUID, shopperId: UUID, merchantId: String, mode: ContactPreferences.Mode,
                destination: String, agentName: String, agentSipUri: String, at: Date, charge: ChargeTerms? = nil,
                joinExpiresAtUnixSeconds: Int64? = nil, agentJoinExpiresAtUnixSeconds: Int64? = nil) {
        self.callId = callId; self.offerId = offerId; self.cartId = cartId; self.shopperId = shopperId; self.merchantId = merchantId
        self.mode = mode; self.destination = destination; self.agentName = agentName; self.agentSipUri = agentSipUri; self.at = at
        self.charge = charge
        self.joinExpiresAtUnixSeconds = joinExpiresAtUnixSeconds
        self.agentJoinExpiresAtUnixSeconds = agentJoinExpiresAtUnixSeconds
    }

    /// The gateway user the page registers as, for a browser call that has its expiry.
    public var browserSIPUser: String? {
        guard mode == .browser, let expiry = joinExpiresAtUnixSeconds else { return nil }
        return BrowserLeg.sipUser(callId: callId, joinExpiresAtUnixSeconds: expiry)
    }

    /// Whether the agent answers in the agent console (through the gateway).
    public var agentAnswersInConsole: Bool { agentSipUri == SalesAgent.consoleAddress }

    /// The gateway user the agent console registers as, for a call routed to a console agent.
    public var agentBrowserSIPUser: String? {
        guard agentAnswersInConsole, let expiry = agentJoinExpiresAtUnixSeconds else { return nil }
        return BrowserLeg.agentSIPUser(callId: callId, joinExpiresAtUnixSeconds: expiry)
    }
}

public struct OfferAccepted: EventPayload {
    public static let eventType = "OfferAccepted"
    public let offerId: UUID
    public let mode: ContactPreferences.Mode
    public let callId: UUID
    public let at: Date
}
