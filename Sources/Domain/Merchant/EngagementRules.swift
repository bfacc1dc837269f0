/// The merchant's economics and limits for offering calls (used by the engagement saga;
/// `Engagement.evaluate` is the decision, docs/merchant-settings.md explains it to merchants).
/// Fractions are basis points (1/100 of a percent) so that everything stays an integer.
public struct EngagementRules: Equatable, Sendable, Codable {
    /// A cart with no change for this long is idle.
    public let idleThresholdSeconds: Int
    /// Gross margin on the cart's value: 2500 = 25 %.
    public let marginBasisPoints: Int
    /// How much more likely a purchase is after a call: 1500 = 15 %.
    public let upliftBasisPoints: Int
    /// What one call is expected to cost the merchant, subtracted from the gain.
    public let expectedCallCostMicros: Int64
    /// Expected gain (value × margin × uplift − call cost) must exceed this for an offer.
    public let minimumGainMicros: Int64
    /// After a decline, no new offer for this long.
    public let cooldownSeconds: Int
    /// Share of eligible carts that get no offer, so uplift can be measured.
    public let holdoutBasisPoints: Int
    /// How long an offer stays open before it expires.
    public let offerTTLSeconds: Int

    public init(idleThresholdSeconds: Int, marginBasisPoints: Int, upliftBasisPoints: Int, expectedCallCostMicros: Int64,
                minimumGainMicros: Int64, cooldownSeconds: Int, holdoutBasisPoints: Int, offerTTLSeconds: Int) throws(DomainError) {
        guard (5...7 * 86_400).contains(idleThresholdSeconds) else { throw .invalid("idleThresholdSeconds must be 5…604800") }
        for (name, value) in [("marginBasisPoints", marginBasisPoints), ("upliftBasisPoints", upliftBasisPoints), ("holdoutBasisPoints", holdoutBasisPoints)] {
            guard (0...10_000).contains(value) else { throw .invalid("\(name) must be 0…10000") }
        }
        guard expectedCallCostMicros >= 0, minimumGainMicros >= 0 else { throw .invalid("costs and thresholds must not be negative") }
        guard (0...30 * 86_400).contains(cooldownSeconds) else { throw .invalid("cooldownSeconds must be 0…2592000") }
        guard (10...3_600).contains(offerTTLSeconds) else { throw .invalid("offerTTLSeconds must be 10…3600") }
        self.idleThresholdSeconds = idleThresholdSeconds
        self.marginBasisPoints = marginBasisPoints
        self.upliftBasisPoints = upliftBasisPoints
        self.expectedCallCostMicros = expectedCallCostMicros
        self.minimumGainMicros = minimumGainMicros
        self.cooldownSeconds = cooldownSeconds
        self.holdoutBasisPoints = holdoutBasisPoints
        self.offerTTLSeconds = offerTTLSeconds
    }
}
