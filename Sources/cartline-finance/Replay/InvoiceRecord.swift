import Foundation

/// An `InvoiceIssued` event, read leniently by name: the event type may not exist yet, and
/// its lines are only counted.
struct InvoiceRecord: Sendable, Decodable {
    static let eventType = "InvoiceIssued"

    let merchantId: String
    let period: String
    let totalMicros: Int64
    let currency: String
    let lineCount: Int

    private enum CodingKeys: String, CodingKey { case merchantId, period, totalMicros, currency, lines }

    /// Accepts any JSON value and keeps nothing: the lines' shape is the lead's to decide.
    private struct AnyLine: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        merchantId = try container.decode(String.self, forKey: .merchantId)
        period = try container.decode(String.self, forKey: .period)
        totalMicros = try container.decode(Int64.self, forKey: .totalMicros)
        currency = try container.decode(String.self, forKey: .currency)
        lineCount = try container.decodeIfPresent([AnyLine].self, forKey: .lines)?.count ?? 0
    }
}
