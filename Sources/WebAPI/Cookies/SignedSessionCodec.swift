import Crypto
import Engine
import Foundation

/// What a signed session cookie carries at least: the id of the key that signed it and when
/// it expires (Unix seconds).
protocol SignedSession: Codable, Sendable {
    var kid: String { get }
    var expiresAt: Int64 { get }
}

/// Why a cookie value is not a session.
enum SignedSessionFailure: Error, Equatable {
    case malformed
    /// Well-formed, but under another key id: most likely from before a key change.
    case otherKey
    case expired
}

/// The `v1.<payload>.<mac>` format of the console sessions (agent, merchant user): the payload
/// base64url JSON, the mac HMAC-SHA256 over `v1.<payload>` under a key derived (HKDF) from the
/// session key with a label of each cookie's own, so no cookie's key is another's.
struct SignedSessionCodec<Session: SignedSession>: Sendable {
    private let keyBytes: Data
    /// A fingerprint of the key: the first 8 bytes of its SHA-256, base64url.
    let keyID: String
    let maxValueBytes: Int

    init(secret: SecretKey, label: String, maxValueBytes: Int) {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret.symmetric, info: Data(label.utf8), outputByteCount: 32)
        self.keyBytes = key.withUnsafeBytes { Data($0) }
        self.keyID = Data(SHA256.hash(data: keyBytes).prefix(8)).base64URLEncodedString()
        self.maxValueBytes = maxValueBytes
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    func value(for session: Session) throws -> String {
        let payload = "v1." + (try JSONEncoder.sortedKeys.encode(session)).base64URLEncodedString()
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)
        return payload + "." + Data(mac).base64URLEncodedString()
    }

    /// The session a cookie value carries, if we signed it with this key and it has not expired.
    func session(from value: String, now: Date) throws(SignedSessionFailure) -> Session {
        guard value.utf8.count <= maxValueBytes else { throw .malformed }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let json = Data(base64URLEncoded: parts[1]), let mac = Data(base64URLEncoded: parts[2]) else {
            throw .malformed
        }
        let signed = Data(value.utf8.prefix(3 + parts[1].utf8.count))
        guard let session = try? JSONDecoder().decode(Session.self, from: json) else { throw .malformed }
        // isValidAuthenticationCode compares in constant time.
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key) else {
            throw session.kid == keyID ? .malformed : .otherKey
        }
        guard Int64(now.timeIntervalSince1970) < session.expiresAt else { throw .expired }
        return session
    }
}
