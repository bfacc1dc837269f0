import Crypto
import EventLog
import Foundation
import PostgresNIO

/// Seals a shopper's personal data (phone numbers) before it reaches an event. Each
/// shopper has a random data key, stored wrapped under the server's sealing key in
/// `shopper_keys`; deleting that row ("crypto-shredding") makes everything sealed for the
/// shopper unreadable while the append-only log stays untouched.
public struct PersonalDataVault: Sendable {
    /// Prefix of sealed text, so the format can change later.
    static let formatPrefix = "sealed1."
    /// How sealed text begins, so readers can tell it from text written before sealing.
    public static var sealedPrefix: String { formatPrefix }

    let log: EventLog
    let sealingKey: SecretKey
    let sealingKeyID: String

    public init(log: EventLog, sealingKey: SecretKey, sealingKeyID: String) {
        self.log = log
        self.sealingKey = sealingKey
        self.sealingKeyID = sealingKeyID
    }

    public func seal(_ text: String, for shopperId: UUID) async throws -> String {
        let key = try await dataKey(for: shopperId, create: true)
        guard let key else { throw VaultError.noKey }
        let box = try AES.GCM.seal(Data(text.utf8), using: key, authenticating: Self.context(shopperId))
        guard let combined = box.combined else { throw VaultError.corrupt }
        return Self.formatPrefix + combined.base64EncodedString()
    }

    /// The plain text, or nil when the shopper's key is gone (erased) or the text is not ours.
    public func open(_ sealed: String, for shopperId: UUID) async throws -> String? {
        guard sealed.hasPrefix(Self.formatPrefix),
              let combined = Data(base64Encoded: String(sealed.dropFirst(Self.formatPrefix.count))),
              let key = try await dataKey(for: shopperId, create: false),
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: key, authenticating: Self.context(shopperId)) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    /// Destroys the shopper's data key.
    public func erase(_ shopperId: UUID) async throws {
        let client = log.client
        let logger = log.logger
        try await log.run("erase shopper key") {
            _ = try await client.query("DELETE FROM shopper_keys WHERE shopper_id = \(shopperId)", logger: logger)
        }
    }

    private func dataKey(for shopperId: UUID, create: Bool) async throws -> SymmetricKey? {
        let client = log.client
        let logger = log.logger
        var wrapped: Data?
        if create {
            let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            let box = try AES.GCM.seal(fresh, using: sealingKey.symmetric, authenticating: Self.context(shopperId))
            guard let combined = box.combined else { throw VaultError.corrupt }
            let keyID = sealingKeyID
            // Two requests racing both try to insert; the first one's key is the key.
            try await log.run("store shopper key") {
                _ = try await client.query("""
                    INSERT INTO shopper_keys (shopper_id, wrapped_key, key_id) VALUES (\(shopperId), \(combined), \(keyID))
                    ON CONFLICT (shopper_id) DO NOTHING
                    """, logger: logger)
            }
        }
        wrapped = try await log.run("load shopper key") {
            let rows = try await client.query("SELECT wrapped_key FROM shopper_keys WHERE shopper_id = \(shopperId)", logger: logger)
            for try await data in rows.decode(Data.self) { return data }
            return nil
        }
        guard let wrapped else { return nil }
        guard let box = try? AES.GCM.SealedBox(combined: wrapped),
              let raw = try? AES.GCM.open(box, using: sealingKey.symmetric, authenticating: Self.context(shopperId)) else {
            throw VaultError.wrongSealingKey
        }
        return SymmetricKey(data: raw)
    }

    /// Binds ciphertext to its shopper, so sealed data cannot be moved to another one.
    private static func context(_ shopperId: UUID) -> Data { Data("cartline-shopper:\(shopperId.uuidString.lowercased())".utf8) }
}

public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    case noKey, corrupt, wrongSealingKey

    public var description: String {
        switch self {
        case .noKey: "the shopper has no data key"
        case .corrupt: "sealing produced no ciphertext"
        case .wrongSealingKey: "a shopper key does not open with the configured sealing key (CARTLINE_SEALING_KEY changed?)"
        }
    }
}
