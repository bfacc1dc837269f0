import Foundation

/// What a telephony node says of itself, in `telephony-<node>`: its channel count when it
/// starts, drains, resumes or stops. Whether it is alive is not an event (that would flood
/// the log): it holds a Postgres session lock while it runs.
public enum TelephonyNodeEvent: Equatable, Sendable {
    case announced(NodeAnnounced)
    case draining(NodeDraining)
    case resumed(NodeResumed)
    case stopped(NodeStopped)
}

public struct NodeAnnounced: EventPayload {
    public static let eventType = "NodeAnnounced"
    public let node: String
    public let maxChannels: Int
    public let address: String
    public let at: Date

    public init(node: String, maxChannels: Int, address: String, at: Date) {
        self.node = node; self.maxChannels = maxChannels; self.address = address; self.at = at
    }
}

public struct NodeDraining: EventPayload {
    public static let eventType = "NodeDraining"
    public let node: String
    public let at: Date

    public init(node: String, at: Date) { self.node = node; self.at = at }
}

public struct NodeResumed: EventPayload {
    public static let eventType = "NodeResumed"
    public let node: String
    public let at: Date

    public init(node: String, at: Date) { self.node = node; self.at = at }
}

public struct NodeStopped: EventPayload {
    public static let eventType = "NodeStopped"
    public let node: String
    public let at: Date

    public init(node: String, at: Date) { self.node = node; self.at = at }
}
