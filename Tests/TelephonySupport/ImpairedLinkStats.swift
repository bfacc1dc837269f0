import Foundation

/// The counters `Tools/chaos-support/impaired_link.py` writes to its stats file: what it
/// received, dropped, delayed and forwarded, per direction and per kind (SIP, RTP).
public struct ImpairedLinkStats: Decodable, Sendable {
    /// One direction's counts for one kind of traffic.
    public struct Counters: Decodable, Sendable {
        public var received: Int
        public var forwarded: Int
        public var dropped: Int
        public var delayed: Int
        public var duplicated: Int
        /// Dropped because the delay queue was full (not by the loss draw).
        public var overflow: Int
        public var sendErrors: Int
        /// Arrived before the relay knew where to send it (RTP before its SDP).
        public var unroutable: Int
    }

    /// SIP and RTP counts of one direction.
    public struct Direction: Decodable, Sendable {
        public var sip: Counters
        public var rtp: Counters
    }

    /// `toFar`: from the node to the far end; `toNode`: back.
    public struct Directions: Decodable, Sendable {
        public var toFar: Direction
        public var toNode: Direction
    }

    /// Dropped SIP messages by name (`INVITE`, `200/INVITE`, `BYE`…), per direction.
    public struct DroppedMessages: Decodable, Sendable {
        public var toFar: [String: Int]
        public var toNode: [String: Int]
    }

    public var directions: Directions
    public var droppedSipMessages: DroppedMessages
    /// How many Contact, Via and SDP rewrites kept the dialog and its RTP on the path.
    public var rewrites: [String: Int]
    public var mediaSessionsOpened: Int
    /// Whether these are the final counts, written as the relay stopped.
    public var stopped: Bool

    /// SIP datagrams dropped by the loss draw, both directions.
    public var sipDropped: Int { directions.toFar.sip.dropped + directions.toNode.sip.dropped }
    /// RTP datagrams dropped by the loss draw, both directions.
    public var rtpDropped: Int { directions.toFar.rtp.dropped + directions.toNode.rtp.dropped }

    /// Decodes a stats file (snake_case keys).
    public static func decode(_ data: Data) throws -> ImpairedLinkStats {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ImpairedLinkStats.self, from: data)
    }
}
