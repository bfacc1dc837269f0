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

    public init(position: LogPosition, stream: String, streamVersion: Int64, id: UUID, type: String, schemaVersion: Int16,
                data: JSONPayload, metadata: JSONPayload, recordedAt: Date) {
        self.position = position
        self.stream = stream
        self.streamVersion = streamVersion
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
        self.recordedAt = recordedAt
    }
}
