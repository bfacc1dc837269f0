import Domain
import Foundation

/// One page of a merchant's calls for the console, each with what the agent needs to see.
public struct AgentCallPage: Sendable {
    public struct Entry: Sendable {
        public let call: CallRequested
        public let state: CallState
        public let cart: Versioned<CartState>?
        public let work: CallWorkState
        /// The shopper's IANA time zone from their preferences, when they gave one.
        public let shopperTimeZone: String?
    }

    public let entries: [Entry]
    /// Calls matching the filter (for `live` and `recent`, among the newest `AgentCallQueries.maxScannedCalls`).
    public let total: Int
}
