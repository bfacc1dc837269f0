import Synchronization

/// The opened webhook secrets of recently seen merchants, kept for `maxAge` so a burst of
/// notifications does not read and unseal the secrets stream each time. A change made in
/// this process clears the merchant's entry at once; one made by another process is seen
/// within `maxAge` (as for `MerchantDirectory`).
final class WebhookSecretCache: Sendable {
    /// Most merchants cached; when full, the cache starts afresh (a bound, not an LRU).
    static let maxMerchants = 10_000

    private struct Entry {
        let secrets: [String]
        let loadedAt: ContinuousClock.Instant
    }

    let maxAge: Duration
    private let entries = Mutex<[String: Entry]>([:])

    init(maxAge: Duration) { self.maxAge = maxAge }

    func get(_ merchantId: String) -> [String]? {
        entries.withLock { entries in
            guard let entry = entries[merchantId], ContinuousClock.now - entry.loadedAt < maxAge else { return nil }
            return entry.secrets
        }
    }

    func put(_ merchantId: String, _ secrets: [String]) {
        entries.withLock { entries in
            if entries.count >= Self.maxMerchants { entries.removeAll() }
            entries[merchantId] = Entry(secrets: secrets, loadedAt: .now)
        }
    }

    func invalidate(_ merchantId: String) {
        _ = entries.withLock { $0.removeValue(forKey: merchantId) }
    }
}
