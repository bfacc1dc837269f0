import EventLog
import Foundation

/// Cartline's stream names (docs/architecture.md §4). UUIDs are lowercased so a name is the same
/// whichever way an id was written.
extension StreamName {
    public static func cart(_ id: UUID) -> StreamName { known("cart-\(id.uuidString.lowercased())") }
    public static func shopper(_ id: UUID) -> StreamName { known("shopper-\(id.uuidString.lowercased())") }
    public static func call(_ callId: UUID) -> StreamName { known("call-\(callId.uuidString.lowercased())") }
    public static func engagement(_ cartId: UUID) -> StreamName { known("engagement-\(cartId.uuidString.lowercased())") }
    /// A shopper's prepaid wallet: top-ups, the holds of calls, their posts and releases.
    public static func wallet(_ shopperId: UUID) -> StreamName { known("wallet-\(shopperId.uuidString.lowercased())") }
    /// The postings of a call paid by its merchant or a sponsor.
    public static func charges(_ callId: UUID) -> StreamName { known("charges-\(callId.uuidString.lowercased())") }
    /// Node names are validated (`TelephonyNodeName`) before they reach a stream name.
    public static func telephonyNode(_ node: String) throws(EventLogError) -> StreamName { try StreamName("telephony-\(node)") }
    /// A merchant's issued ASP invoices.
    public static func invoices(_ merchantId: String) throws(EventLogError) -> StreamName { try StreamName("invoices-\(merchantId)") }
    /// Merchant ids are validated by `Merchant.validateID` before they reach a stream name.
    public static func merchant(_ id: String) throws(EventLogError) -> StreamName { try StreamName("merchant-\(id)") }

    /// Names built from a UUID are always valid: short, no whitespace.
    private static func known(_ name: String) -> StreamName {
        // A UUID's 36 characters and a short prefix always pass StreamName's checks.
        guard let stream = try? StreamName(name) else { preconditionFailure("invalid generated stream name \(name)") }
        return stream
    }
}
