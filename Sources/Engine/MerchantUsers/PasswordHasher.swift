import _CryptoExtras
import Crypto
import Foundation

/// Console passwords as stored: PBKDF2-HMAC-SHA256 with a random 16-byte salt and
/// `rounds` iterations (210,000, OWASP's floor for this hash and `_CryptoExtras`' checked
/// minimum), as `pbkdf2-sha256$<rounds>$<salt>$<hash>` with base64url parts. Verifying
/// compares derived keys in constant time (`SymmetricKey`'s `==`).
public struct PasswordHasher: Sendable {
    public static let defaultRounds = 210_000
    static let scheme = "pbkdf2-sha256"
    static let saltBytes = 16
    static let hashBytes = 32
    /// Longest stored hash looked at; a real one is about 100 characters.
    static let maxStoredCharacters = 300
    /// Highest round count accepted from a stored hash, so a corrupt one cannot stall a request.
    static let maxRounds = 5_000_000

    public let rounds: Int

    public init(rounds: Int = PasswordHasher.defaultRounds) { self.rounds = max(rounds, Self.defaultRounds) }

    /// A new stored form of `password` with a fresh salt.
    public func hash(_ password: String) throws -> String {
        let salt = SymmetricKey(size: .init(bitCount: Self.saltBytes * 8)).withUnsafeBytes { Data($0) }
        let key = try derive(password, salt: salt, rounds: rounds)
        return [Self.scheme, String(rounds), salt.base64URLText, key.withUnsafeBytes { Data($0) }.base64URLText].joined(separator: "$")
    }

    /// Whether `password` is the one `stored` was made from; a malformed `stored` matches nothing.
    public func verify(_ password: String, against stored: String) -> Bool {
        guard stored.count <= Self.maxStoredCharacters else { return false }
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.scheme, let rounds = Int(parts[1]), (Self.defaultRounds...Self.maxRounds).contains(rounds),
              let salt = Data(base64URLText: String(parts[2])), let expected = Data(base64URLText: String(parts[3])),
              expected.count == Self.hashBytes,
              let derived = try? derive(password, salt: salt, rounds: rounds) else { return false }
        return derived == SymmetricKey(data: expected)
    }

    /// The same work as a real check, for a login that has no password: the answer takes as
    /// long whether or not the user exists.
    public func burn(_ password: String) {
        _ = try? derive(password, salt: Data(repeating: 0, count: Self.saltBytes), rounds: rounds)
    }

    private func derive(_ password: String, salt: Data, rounds: Int) throws -> SymmetricKey {
        try KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256, outputByteCount: Self.hashBytes, rounds: rounds)
    }
}

fileprivate extension Data {
    var base64URLText: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    init?(base64URLText text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
