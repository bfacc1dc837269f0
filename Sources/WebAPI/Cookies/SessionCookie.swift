import Crypto
import Engine
import Foundation

/// `cartline_session`: the shopper's id, when it was issued, and an HMAC-SHA256 over both, so
/// a client can neither invent nor alter one: `v2.<uuid>.<issued, Unix seconds>.<base64url mac>`.
///
/// It lasts `lifetimeSeconds` from its issue and is issued again (the same shopper, a new
/// time) on a request made more than `refreshAfterSeconds` after — a shopper who comes back
/// keeps their session, a cookie stolen and left unused dies. Keys rotate without orphaning
/// shoppers: the current key signs, the previous ones (`CARTLINE_SESSION_KEYS_PREVIOUS`)
/// still verify, and a cookie they signed is re-signed at once. `v1.<uuid>.<mac>` cookies of
/// earlier versions (no issue time) are accepted once and replaced.
struct SessionCookie: Sendable {
    static let name = "cartline_session"
    static let lifetimeSeconds: Int64 = 30 * 86_400
    static let refreshAfterSeconds: Int64 = 86_400
    /// A cookie issued this far in the future (clocks of two servers) still counts.
    static let clockSkewSeconds: Int64 = 300
    static let maxValueBytes = 200

    /// A verified cookie: whose it is, and whether it should be issued again now.
    struct Verified: Equatable {
        let shopperId: UUID
        let needsRefresh: Bool
    }

    let secret: SecretKey
    var previous: [SecretKey] = []

    func value(for shopperId: UUID, issuedAt: Date) -> String {
        let payload = "v2.\(shopperId.uuidString.lowercased()).\(Int64(issuedAt.timeIntervalSince1970.rounded(.down)))"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: secret.symmetric)
        return payload + "." + Data(mac).base64URLEncodedString()
    }

    /// The shopper, or nil for anything not signed by one of our keys, expired, or malformed.
    func verify(_ value: String, now: Date) -> Verified? {
        guard value.utf8.count <= Self.maxValueBytes else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard let version = parts.first, version == "v1" || version == "v2", parts.count == (version == "v1" ? 3 : 4),
              // Lowercase only, so each session has exactly one valid cookie value.
              parts[1].utf8.allSatisfy({ !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }),
              let id = UUID(uuidString: String(parts[1])), let mac = parts.last.flatMap({ Data(base64URLEncoded: $0) }) else { return nil }
        let payload = Data(value.utf8.prefix(value.utf8.count - parts[parts.count - 1].utf8.count - 1))
        guard let signer = ([secret] + previous).firstIndex(where: {
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: $0.symmetric)
        }) else { return nil }
        if version == "v1" { return Verified(shopperId: id, needsRefresh: true) }
        guard parts[2].allSatisfy(\.isNumber), let issued = Int64(parts[2]) else { return nil }
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let age = nowSeconds - issued
        guard age >= -Self.clockSkewSeconds, age <= Self.lifetimeSeconds else { return nil }
        return Verified(shopperId: id, needsRefresh: signer != 0 || age > Self.refreshAfterSeconds)
    }
}
