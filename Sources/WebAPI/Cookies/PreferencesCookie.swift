import Crypto
import Domain
import Foundation

/// `cartline_prefs`: the shopper's preferences, encrypted and authenticated with AES-GCM and
/// bound to the shopper's id (as associated data), so a cookie copied to another session
/// does not open. Format: `<key id>.<base64url nonce|ciphertext|tag>`.
///
/// The cookie is a cache, never the record: it carries the shopper stream's version it was
/// issued at, and is used only while the stream is still at that version — so a consent
/// withdrawn (or anything else appended to the shopper's stream) since cannot be overridden
/// by a stale cookie (issue 14). Cookies without a version (older builds) are not used.
struct PreferencesCookie: Sendable {
    static let name = "cartline_prefs"
    static let maxAgeSeconds = 365 * 86_400
    /// Cookies above ~4 KiB are dropped by browsers; preferences are far smaller.
    static let maxValueBytes = 3_000

    let keys: KeyRing

    func value(for preferences: ContactPreferences, shopperId: UUID, version: Int64) throws -> String {
        let plain = try JSONEncoder().encode(StoredPreferences(preferences, version: version))
        let box = try AES.GCM.seal(plain, using: keys.currentKey, authenticating: Self.context(shopperId))
        guard let combined = box.combined else { throw CookieError.sealingFailed }
        return keys.currentID + "." + combined.base64URLEncodedString()
    }

    /// The preferences and the shopper stream's version they were issued at, or nil for a
    /// tampered, truncated, foreign-key, unversioned or invalid cookie.
    func preferences(from value: String, shopperId: UUID) -> (preferences: ContactPreferences, version: Int64)? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard value.utf8.count <= Self.maxValueBytes, parts.count == 2,
              let key = keys.key(id: String(parts[0])),
              let combined = Data(base64URLEncoded: parts[1]),
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: key, authenticating: Self.context(shopperId)),
              let stored = try? JSONDecoder().decode(StoredPreferences.self, from: plain),
              let version = stored.version else { return nil }
        // Validate again: a cookie from an older build must still satisfy today's rules.
        guard let preferences = try? ContactPreferences(mode: stored.mode, phone: stored.phone, sipUri: stored.sipUri, consent: stored.consent,
                                                        quietHours: stored.quietHours, timeZone: stored.timeZone) else { return nil }
        return (preferences, version)
    }

    private static func context(_ shopperId: UUID) -> Data { Data("cartline-prefs:\(shopperId.uuidString.lowercased())".utf8) }

    /// The cookie's JSON, decoded without `ContactPreferences`' synthesized (unvalidated) init.
    private struct StoredPreferences: Codable {
        let mode: ContactPreferences.Mode
        let phone: String?
        let sipUri: String?
        let consent: Bool
        let quietHours: QuietHours?
        let timeZone: String?
        /// The shopper stream's version the cookie was issued at; absent in older cookies.
        let version: Int64?

        init(_ preferences: ContactPreferences, version: Int64) {
            mode = preferences.mode
            phone = preferences.phone
            sipUri = preferences.sipUri
            consent = preferences.consent
            quietHours = preferences.quietHours
            timeZone = preferences.timeZone
            self.version = version
        }
    }
}

enum CookieError: Error { case sealingFailed }
