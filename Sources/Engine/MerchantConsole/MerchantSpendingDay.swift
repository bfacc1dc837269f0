/// What a merchant's calls cost it on one UTC day (calls it paid for, as charged).
public struct MerchantSpendingDay: Sendable, Equatable {
    /// `YYYY-MM-DD`.
    public let day: String
    public let callCount: Int
    public let amountMicros: Int64
}
