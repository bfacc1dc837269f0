/// Bounds on what one `Ledger` value holds, so a runaway producer fails loudly with
/// `.capacityReached` instead of exhausting memory.
public struct LedgerLimits: Hashable, Sendable {
    /// Posting ids remembered for idempotency (each costs roughly 100–300 bytes with the
    /// transfer or hold it names). A ledger folded from the whole log remembers every id; a
    /// finance replay over years should fold one period at a time from an opening balance.
    public var maxPostings: Int
    /// Holds pending at once (each reserves money until posted, voided or expired).
    public var maxPendingHolds: Int
    /// Legs in one transfer or hold post.
    public var maxLegsPerPosting: Int
    /// Entries kept per call for `postings(ofCall:)`; a call has a handful (hold, post, fees).
    public var maxEntriesPerCall: Int
    /// Bytes of a posting id or hold id (hold ids keep 16 bytes of room for the derived
    /// `expire:<holdId>` posting id).
    public var maxIdBytes: Int

    public init(maxPostings: Int = 20_000_000, maxPendingHolds: Int = 1_000_000, maxLegsPerPosting: Int = 16,
                maxEntriesPerCall: Int = 1_000, maxIdBytes: Int = 256) {
        self.maxPostings = maxPostings; self.maxPendingHolds = maxPendingHolds; self.maxLegsPerPosting = maxLegsPerPosting
        self.maxEntriesPerCall = maxEntriesPerCall; self.maxIdBytes = maxIdBytes
    }

    public static let standard = LedgerLimits()
}
