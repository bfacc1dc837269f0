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

    /// 1…`maxTypeLength` letters, digits, `_`, `.` or `-`.
    public static func isValidType(_ type: String) -> Bool {
        !type.isEmpty && type.count <= maxTypeLength && type.unicodeScalars.allSatisfy(isTypeScalar)
    }

    /// A letter, a digit, `_`, `.` or `-`. ASCII is decided by range: the Unicode property
    /// table (which the profile of every append showed) is only consulted beyond it.
    static func isTypeScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2E, 0x2D: true
        case 0..<0x80: false
        default: scalar.properties.isAlphabetic
        }
    }

    func validate(maxEventBytes: Int) throws(EventLogError) {
        if !Self.isValidType(type) { throw .invalidEventType(type) }
        if schemaVersion < 1 { throw .invalidEventData(reason: "schema version \(schemaVersion) of event \(id) must be ≥ 1") }
        if payloadBytes > maxEventBytes { throw .eventTooLarge(eventId: id, bytes: payloadBytes, limit: maxEventBytes) }
    }
}
