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
    /// Further tables the projection writes beside its main one (`name`), reached through
    /// `ProjectionTable.companion`: a rebuild fills shadows of them all and swaps them together.
    public let companions: [String]
    public let make: @Sendable (ProjectionTable) -> any Projection

    public init(name: String, companions: [String] = [], make: @escaping @Sendable (ProjectionTable) -> any Projection) {
        self.name = name
        self.companions = companions
        self.make = make
    }

    public var live: any Projection { make(ProjectionTable(trusted: name)) }
    /// The live tables it writes: the main one first, then the companions.
    var liveTables: [ProjectionTable] { ([name] + companions).map { ProjectionTable(trusted: $0) } }
}

/// A table name safe to splice into SQL: lowercase letters, digits and underscores.
public struct ProjectionTable: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// "" for a live table, "_rebuild" for a rebuild's shadow: a companion table of the same
    /// generation carries the same suffix, so a shadow projection never writes a live table.
    let generationSuffix: String

    public init(_ name: String) throws(EngineError) {
        guard (1...60).contains(name.count),
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw .invalidProjection("table name '\(name)' must be 1…60 lowercase letters, digits or '_'")
        }
        self.name = name
        self.generationSuffix = ""
    }

    public var shadow: ProjectionTable { ProjectionTable(trusted: name + Self.shadowSuffix, generationSuffix: Self.shadowSuffix) }
    public var description: String { name }

    /// The companion table `base` (a trusted literal of the projection's) of this table's
    /// generation: `base` itself beside a live table, `base_rebuild` beside a shadow.
    func companion(_ base: String) -> ProjectionTable {
        ProjectionTable(trusted: base + generationSuffix, generationSuffix: generationSuffix)
    }

    static let shadowSuffix = "_rebuild"

    init(trusted name: String, generationSuffix: String = "") {
        self.name = name
        self.generationSuffix = generationSuffix
    }
}
