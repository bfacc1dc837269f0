/// A domain event's body as stored in the log: a stable type name and schema version
/// travel beside the Codable payload, so stored events stay readable as code evolves.
public protocol EventPayload: Codable, Sendable, Equatable {
    static var eventType: String { get }
    static var schemaVersion: Int16 { get }
}

extension EventPayload {
    public static var schemaVersion: Int16 { 1 }
}
