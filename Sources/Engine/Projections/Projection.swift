import EventLog
import Logging
import PostgresNIO

/// Something that follows the log in one process at a time (`ProjectorRunner`): `apply`
/// runs per batch inside the transaction that moves the consumer's checkpoint.
public protocol LogConsumer: Sendable {
    var name: String { get }
    /// The checkpoint's name.
    var consumer: String { get }
    func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws
}

/// A read model kept from the log. `apply` writes one batch into `table` on the connection
/// of the transaction that also moves the projection's checkpoint, so each event is applied
/// exactly once. The same code fills a shadow table during a rebuild.
public protocol Projection: LogConsumer {
    /// The table this instance writes (the live one, or a rebuild's shadow).
    var table: ProjectionTable { get }
}

extension Projection {
    public var consumer: String { "projection:\(name)" }
    var rebuildConsumer: String { "projection:\(name):rebuild" }
}

/// A kind of projection: its name and how to make one writing a given table.
public struct ProjectionKind: Sendable {
    public let name: String
    public let make: @Sendable (ProjectionTable) -> any Projection

    public var live: any Projection { make(ProjectionTable(trusted: name)) }
}

/// A table name safe to splice into SQL: lowercase letters, digits and underscores.
public struct ProjectionTable: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) throws(EngineError) {
        guard (1...60).contains(name.count),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw .invalidProjection("table name '\(name)' must be 1…60 lowercase letters, digits or '_'")
        }
        self.name = name
    }

    public var shadow: ProjectionTable { ProjectionTable(trusted: name + "_rebuild") }
    public var description: String { name }

    init(trusted name: String) { self.name = name }
}
