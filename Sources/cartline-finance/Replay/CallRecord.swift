import Domain
import Foundation

/// What finance knows of one call: its request (merchant, mode, terms) and how it ended.
struct CallRecord: Sendable {
    enum Outcome: String, Sendable {
        case requested, answered, ended, failed
    }

    let callId: UUID
    let merchantId: String
    let shopperId: UUID
    let mode: String
    let charge: ChargeTerms?
    let requestedAt: Date
    var outcome: Outcome = .requested
    var failureReason: String?
    var billableMilliseconds: Int64 = 0
    var endedAt: Date?

    /// `shopper`, `merchant`, `sponsor:<id>`, or `-` for a call without charge terms.
    var payer: String { charge.map { $0.payer.description } ?? "-" }

    /// Whether the call is over: nothing more will be metered.
    var isOver: Bool { outcome == .ended || outcome == .failed }

    /// `failed (busy)` style text for people.
    var outcomeText: String {
        if outcome == .failed, let failureReason { return "failed (\(failureReason))" }
        return outcome.rawValue
    }

    /// Whole seconds billed, a started second counting whole (as metering counts).
    var billableSeconds: Int64 { (billableMilliseconds + 999) / 1_000 }
}
