import Foundation

/// One row of the `events` table, as finance reads it (the body as JSON text).
struct StoredEvent: Sendable {
    let position: Int64
    let transactionId: Int64
    let stream: String
    let version: Int64
    let type: String
    let data: String
    let recordedAt: Date
}
