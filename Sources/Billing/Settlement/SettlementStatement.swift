import Domain
import Foundation

/// The itemised statement of one period's small charges of a shopper at a merchant, settled
/// by one posting (`postingId`): each call and what it cost, their total, the platform's
/// fee and the merchant's share. Appended with that posting.
public struct SettlementStatement: EventPayload, Hashable {
    public static let eventType = "SettlementStatement"

    public struct Line: Codable, Hashable, Sendable {
        public let callId: UUID
        public let chargeMicros: Int64
        public let platformFeeMicros: Int64
        public let at: Date
    }

    public let postingId: String
    public let shopperId: UUID
    public let merchantId: String
    /// `2026-11`: the month whose charges it settles.
    public let period: String
    public let currency: Currency
    public let lines: [Line]
    public let totalMicros: Int64
    public let platformFeeMicros: Int64
    public let merchantShareMicros: Int64
    public let at: Date
}
