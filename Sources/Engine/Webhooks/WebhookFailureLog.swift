import Domain
import EventLog
import Foundation
import PostgresNIO

/// The last refused notifications of each merchant (`webhook_failures`, Migrations/0014), so
/// a merchant can see why their shop's deliveries fail. At most `maxPerMerchant` are kept;
/// of a body only a short excerpt (`WebhookLimits.failureExcerptLength` characters, control
/// characters replaced), never the whole.
public struct WebhookFailureLog: Sendable {
    public static let maxPerMerchant = 50

    public struct Failure: Sendable, Equatable {
        public let platform: String
        public let kind: String
        public let status: Int
        public let detail: String
        public let eventId: String?
        public let excerpt: String
        public let receivedAt: Date
    }

    let log: EventLog

    public init(log: EventLog) { self.log = log }

    public func record(merchantId: String, platform: WebhookPlatform, error: WebhookError, status: Int, eventId: String?, body: [UInt8], at: Date) async throws {
        let excerpt = Self.excerpt(body)
        let detail = String(error.description.prefix(500))
        let kind = error.slug
        let eventId = eventId.map { String($0.prefix(WebhookLimits.maxIdentifierLength)) }
        let client = log.client
        let logger = log.logger
        let keep = Self.maxPerMerchant
        try await log.run("record webhook failure") {
            _ = try await client.query("""
                INSERT INTO webhook_failures (merchant_id, platform, kind, status, detail, event_id, excerpt, received_at)
                VALUES (\(merchantId), \(platform.rawValue), \(kind), \(status), \(detail), \(eventId), \(excerpt), \(at))
                """, logger: logger)
            _ = try await client.query("""
                DELETE FROM webhook_failures WHERE merchant_id = \(merchantId) AND failure_id NOT IN
                (SELECT failure_id FROM webhook_failures WHERE merchant_id = \(merchantId) ORDER BY failure_id DESC LIMIT \(keep))
                """, logger: logger)
        }
    }

    /// Newest first.
    public func recent(merchantId: String) async throws -> [Failure] {
        let client = log.client
        let logger = log.logger
        let keep = Self.maxPerMerchant
        return try await log.run("list webhook failures") {
            let rows = try await client.query("""
                SELECT platform, kind, status, detail, event_id, excerpt, received_at FROM webhook_failures
                WHERE merchant_id = \(merchantId) ORDER BY failure_id DESC LIMIT \(keep)
                """, logger: logger)
            var found: [Failure] = []
            for try await (platform, kind, status, detail, eventId, excerpt, at) in rows.decode((String, String, Int, String, String?, String, Date).self) {
                found.append(Failure(platform: platform, kind: kind, status: status, detail: detail, eventId: eventId, excerpt: excerpt, receivedAt: at))
            }
            return found
        }
    }

    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(WebhookLimits.failureExcerptLength * 4), as: UTF8.self)
        let cleaned = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return String(cleaned.prefix(WebhookLimits.failureExcerptLength))
    }
}
