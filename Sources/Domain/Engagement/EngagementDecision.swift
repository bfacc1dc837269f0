/// What the engagement rules concluded, and why: every rule that said no is listed, so
/// the log explains each decision (and uplift can be measured against the holdout).
public struct EngagementDecision: Equatable, Sendable, Codable {
    public enum Reason: String, Equatable, Sendable, Codable, CaseIterable {
        case cartConcluded
        case cartEmpty
        case noConsent
        case quietHours
        case alreadyOffered
        case coolingDown
        case belowThreshold
        case holdout
        case noCapacity
        /// The merchant has no sales agent to take the call.
        case noAgent
        /// The shopper is in checkout: no call interrupts a purchase under way.
        case inCheckout
        /// The shopper talks from the page (`browser` mode), or the agent answers in the agent
        /// console, and no browser gateway is configured.
        case browserUnavailable
    }

    public let offer: Bool
    public let reasons: [Reason]
    /// cart value × margin × uplift − expected call cost, in micro-units.
    public let expectedGainMicros: Int64

    public init(offer: Bool, reasons: [Reason], expectedGainMicros: Int64) {
        self.offer = offer
        self.reasons = reasons
        self.expectedGainMicros = expectedGainMicros
    }
}
