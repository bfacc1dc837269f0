/// Identifies a client transaction: the branch of our Via plus the CSeq method, because a
/// CANCEL shares its INVITE's branch (RFC 3261 §17.1.3).
struct TransactionKey: Hashable {
    var branch: String
    var method: String
}
