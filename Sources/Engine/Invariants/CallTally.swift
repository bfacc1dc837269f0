import Domain
import Foundation

/// What the log says of one call id: how often it was accepted, requested and ended, and
/// the request's terms (for charging). Kept per call while the log is read.
struct CallTally: Sendable {
    var acceptances = 0
    var acceptedInStream: String?
    var requests = 0
    var requestStreams: [String] = []
    var outcomes: [String] = []
    var shopperId: UUID?
    var merchantId: String?
    var charge: ChargeTerms?
    var billableMilliseconds: Int64 = 0
    var ended = false

    /// A call that ended with time to bill under terms: it must have exactly one charging posting.
    var isBillable: Bool { ended && billableMilliseconds > 0 && charge != nil }

    static let streamsKeptMax = 4
}
