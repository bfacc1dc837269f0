import Foundation

/// One metered ASP call, as an invoice reads it.
public struct UsageRecord: Hashable, Sendable, Codable {
    public let callId: UUID
    public let billableSeconds: Int64
    /// What the call was charged (`CallCharge.totalMicros`).
    public let amountMicros: Int64

    public init(callId: UUID, billableSeconds: Int64, amountMicros: Int64) {
        self.callId = callId; self.billableSeconds = billableSeconds; self.amountMicros = amountMicros
    }
}
