import Domain
import EventLog
import Foundation

/// A Domain event enum that can travel through the log: each case maps to one stable type
/// name and schema version (the payload's) and back.
public protocol LoggedEvent: Sendable {
    /// The payload to store, with its type name and schema version.
    func encodedForLog() throws(EventLogError) -> EncodedEvent
    /// The event a recorded one holds; types this build does not know are an error.
    init(recorded: RecordedEvent) throws(EngineError)
}

/// A Domain event ready to become a `NewEvent` once it has an id.
public struct EncodedEvent: Sendable {
    public let type: String
    public let schemaVersion: Int16
    public let data: JSONPayload

    public init<Payload: EventPayload>(_ payload: Payload) throws(EventLogError) {
        self.type = Payload.eventType
        self.schemaVersion = Payload.schemaVersion
        self.data = try JSONPayload(encoding: payload)
    }

    public func newEvent(id: UUID) -> NewEvent {
        NewEvent(id: id, type: type, schemaVersion: schemaVersion, data: data)
    }
}

extension RecordedEvent {
    /// Decodes this event's payload as `Payload`, checking the type and schema version first.
    func payload<Payload: EventPayload>(_: Payload.Type) throws(EngineError) -> Payload {
        guard schemaVersion <= Payload.schemaVersion else {
            throw .unreadableEvent(stream: stream, version: streamVersion, reason: "schema version \(schemaVersion) of \(type) is newer than this build knows")
        }
        do { return try data.decode(as: Payload.self) } catch {
            throw .unreadableEvent(stream: stream, version: streamVersion, reason: "\(type): \(error)")
        }
    }

    func unknownType() -> EngineError {
        .unreadableEvent(stream: stream, version: streamVersion, reason: "unknown event type \(type)")
    }
}
