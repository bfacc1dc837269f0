/// What a call costs and who pays. Stored with the merchant; nothing bills from it yet, and
/// the offer decision uses `EngagementRules.expectedCallCostMicros` instead.
public struct CallPricing: Equatable, Sendable, Codable {
    public enum Payer: String, Codable, Sendable { case shopper, merchant }

    public let payer: Payer
    /// Price per minute of billable time.
    public let perMinuteMicros: Int64
    /// Billable time is rounded up to a multiple of this.
    public let billingIncrementSeconds: Int
    /// Charged once per connected call, on top of the minutes.
    public let setupFeeMicros: Int64

    public init(payer: Payer, perMinuteMicros: Int64, billingIncrementSeconds: Int, setupFeeMicros: Int64) throws(DomainError) {
        guard perMinuteMicros >= 0, setupFeeMicros >= 0 else { throw .invalid("prices must not be negative") }
        guard (1...3_600).contains(billingIncrementSeconds) else { throw .invalid("billingIncrementSeconds must be 1…3600") }
        self.payer = payer
        self.perMinuteMicros = perMinuteMicros
        self.billingIncrementSeconds = billingIncrementSeconds
        self.setupFeeMicros = setupFeeMicros
    }
}
