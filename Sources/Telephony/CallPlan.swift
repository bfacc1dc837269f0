import CallHandlers
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
    /// The agent's SIP URI, or the agent console's gateway user (`agent<call id hex>.<expiry>`)
    /// for an agent who answers in the browser.
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

    /// Whether the agent leg is the agent console's page, reached through the gateway registrar.
    public var agentInBrowser: Bool { !agentURI.hasPrefix("sip:") && !agentURI.hasPrefix("sips:") }

    /// Whether `target`'s leg is a page behind the gateway (whose first INVITEs may find it
    /// not yet registered).
    public func legInBrowser(_ target: DialTarget) -> Bool {
        target == .agent ? agentInBrowser : mode == .browser
    }
}
