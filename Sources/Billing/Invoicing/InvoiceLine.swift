/// One line of a merchant's monthly invoice.
public struct InvoiceLine: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// The month's calls.
        case usage
        /// The difference up to the merchant's minimum monthly commitment.
        case minimumCommitment
    }

    public let kind: Kind
    public let text: String
    public let callCount: Int
    public let billableSeconds: Int64
    /// `billableSeconds` in whole minutes, rounded up, for people; amounts come from the calls.
    public let billableMinutes: Int64
    public let amountMicros: Int64
}
