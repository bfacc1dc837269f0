/// Why money moved, stored with each transfer so reports group by it.
public enum PostingReason: String, Hashable, Sendable, Codable, CaseIterable {
    case topUp, callCharge, platformFee, merchantShare, aspUsage, sponsorCharge, settlement, reversal
}
