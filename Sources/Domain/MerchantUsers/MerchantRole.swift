/// What a merchant's console user may do: an `owner` also invites and revokes users; a
/// `member` configures and reads everything else.
public enum MerchantRole: String, Codable, Sendable, CaseIterable {
    case owner
    case member
}
