import Crypto
import Foundation

/// Where the ids of a command's new events come from. Derived ids make a retried request
/// idempotent at the log itself: the same key yields the same ids, which the log stores once.
public enum EventIDs: Sendable, Equatable {
    case random
    /// Ids derived from a caller's key (e.g. `shopper + Idempotency-Key`).
    case derived(from: String)

    public func id(at index: Int) -> UUID {
        switch self {
        case .random: UUID()
        case .derived(let seed): Self.uuid(hashing: "\(seed)#\(index)")
        }
    }

    /// A version-8 (custom) UUID from the first 16 bytes of SHA-256(text).
    public static func uuid(hashing text: String) -> UUID {
        var bytes = Array(SHA256.hash(data: Data(text.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
