import Foundation

/// What one call is to do, in telephony terms only: whom to dial and what its handler
/// reads in its header. The node fills it from the call's intent; the pool knows no carts.
public struct CallPlan: Sendable, Equatable {
    /// `browser`: the shopper's page, reached through the gateway registrar.
    public enum Mode: String, Sendable { case pstn, voip, browser }

    public var callId: UUID
    public var mode: Mode
    /// An E.164 number (`+4930…`) for PSTN, a SIP URI for VoIP, the gateway user
    /// (`<call id hex>.<expiry>`) for the browser.
    public var destination: String
    public var agentName: String
    public var agentURI: String
    /// Opaque to telephony: shown to the handler as they are.
    public var cartId: String
    public var cartValue: String
    public var shopperName: String

    public init(callId: UUID, mode: Mode, destination: String, agentName: String, agentURI: String,
                cartId: String, cartValue: String, shopperName: String) {
        self.callId = callId; self.mode = mode; self.destination = destination; self.agentName = agentName
        self.agentURI = agentURI; self.cartId = cartId; self.cartValue = cartValue; self.shopperName = shopperName
    }
}
