/// One movement inside a posting: `amountMicros` leaves `debit` and arrives in `credit`.
/// A posting's legs share its currency and apply together or not at all.
public struct PostingLeg: Hashable, Sendable, Codable {
    public let debit: LedgerAccount
    public let credit: LedgerAccount
    /// Always above zero; the ledger refuses anything else.
    public let amountMicros: Int64

    public init(debit: LedgerAccount, credit: LedgerAccount, amountMicros: Int64) {
        self.debit = debit; self.credit = credit; self.amountMicros = amountMicros
    }

    /// The same movement backwards, for a reversal.
    public var swapped: PostingLeg { PostingLeg(debit: credit, credit: debit, amountMicros: amountMicros) }
}
