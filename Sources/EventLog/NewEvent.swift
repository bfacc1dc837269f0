import Foundation

/// An event not yet in the log. Its `id` is the idempotency key of the append.
public struct NewEvent: Sendable, Hashable {
    /// Longest accepted type name; types are identifiers like `ItemAdded`.
    public static let maxTypeLength = 100

    public let id: UUID
    public let type: String
    public let schemaVersion: Int16
    public let data: JSONPayload
    public let metadata: JSONPayload

    public init(
        id: UUID = UUID(), type: String, schemaVersion: Int16 = 1,
        data: JSONPayload, metadata: JSONPayload = .emptyObject
    ) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadata
    }

    /// Size that counts against the event size limit: the JSON the database stores.
    var payloadBytes: Int { data.text.utf8.count + metadata.text.utf8.count }

    func validate(maxEventBytes: Int) throws(EventLogError) {
        let typeIsValid = !type.isEmpty && type.count <= Self.maxTypeLength
            && type.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0) }
        if !typeIsValid { throw .invalidEventType(type) }
        if schemaVersion < 1 { throw .invalidEventData(reason: "schema version \(schemaVersion) of event \(id) must be ≥ 1") }
        if payloadBytes > maxEventBytes { throw .eventTooLarge(eventId: id, bytes: payloadBytes, limit: maxEventBytes) }
    }
}
