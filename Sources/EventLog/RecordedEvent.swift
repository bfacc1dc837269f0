import Foundation

/// An event as the log holds it.
public struct RecordedEvent: Sendable, Hashable {
    public let position: LogPosition
    public let stream: String
    public let streamVersion: Int64
    public let id: UUID
    public let type: String
    public let schemaVersion: Int16
    public let data: JSONPayload
    public let metadata: JSONPayload
    public let recordedAt: Date
}
