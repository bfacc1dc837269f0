import Foundation

/// Everything the engagement decision looks at, gathered by the saga. Time is passed in.
public struct EngagementInput: Equatable, Sendable {
    public let cartId: UUID
    public let cartValue: Money
    public let itemCount: Int
    /// Whether the cart is still open with items (not concluded, not emptied).
    public let cartIsUnconcluded: Bool
    public let preferences: PreferencesSet?
    public let rules: EngagementRules
    /// Offers already made for this cart (at most one per cart).
    public let offersMade: Int
    public let lastDeclinedAt: Date?
    /// Free voice channels the telephony side reports (or the configured stand-in).
    public let freeChannels: Int
    /// Sales agents who could take the call.
    public let agentCount: Int
    /// Whether the shopper has started checkout.
    public let cartInCheckout: Bool
    /// Whether calls to the page can be placed (the browser gateway is configured).
    public let browserVoiceAvailable: Bool
    /// Whether the agent who would take the call answers in the agent console (through the
    /// same gateway).
    public let agentAnswersInConsole: Bool
    public let now: Date

    public init(cartId: UUID, cartValue: Money, itemCount: Int, cartIsUnconcluded: Bool, preferences: PreferencesSet?,
                rules: EngagementRules, offersMade: Int, lastDeclinedAt: Date?, freeChannels: Int,
                agentCount: Int = 1, cartInCheckout: Bool = false, browserVoiceAvailable: Bool = true,
                agentAnswersInConsole: Bool = false, now: Date) {
        self.agentCount = agentCount
        self.agentAnswersInConsole = agentAnswersInConsole
        self.browserVoiceAvailable = browserVoiceAvailable
        self.cartInCheckout = cartInCheckout
        self.cartId = cartId
        self.cartValue = cartValue
        self.itemCount = itemCount
        self.cartIsUnconcluded = cartIsUnconcluded
        self.preferences = preferences
        self.rules = rules
        self.offersMade = offersMade
        self.lastDeclinedAt = lastDeclinedAt
        self.freeChannels = freeChannels
        self.now = now
    }
}
