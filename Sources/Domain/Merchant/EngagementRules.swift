/// The merchant's economics and limits for offering calls (used by the engagement saga).
/// Fractions are basis points (1/100 of a percent) so that everything stays an integer.
public struct EngagementRules: Equatable, Sendable, Codable {
    /// A cart with no change for this long is idle.
    public let idleThresholdSeconds: Int
    public let marginBasisPoints: Int
    /// Expected increase in conversion from a call.
    public let upliftBasisPoints: Int
    public let expectedCallCostMicros: Int64
    /// Expected gain must exceed this for an offer.
    public let minimumGainMicros: Int64
    /// After a decline, no new offer for this long.
    public let cooldownSeconds: Int
    /// Share of eligible carts that get no offer, so uplift can be measured.
    public let holdoutBasisPoints: Int
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
