import Billing
import Domain
import Foundation

/// The checks finance runs over the whole log as of `now`; each failure is one line.
///
/// - every call that ended with billable time and charge terms has exactly one charging
///   posting (a `HoldPosted` or a `FundsTransferred` naming it, reversals netted out): none
///   is a call not charged, two is a call charged twice;
/// - every ledger entry that names a call names one requested in the log (top-ups name none);
/// - debits equal credits: each currency's balances sum to zero;
/// - every hold is posted, voided or expired, or still pending before its expiry while its
///   call is not over;
/// - every event of the fold's types decoded, and the ledger accepted every entry.
struct Reconciliation {
    let state: FinanceState
    let now: Date

    var discrepancies: [String] {
        var lines: [String] = []
        let calls = state.calls.values.sorted { $0.callId.uuidString < $1.callId.uuidString }
        for call in calls where call.outcome == .ended && call.billableMilliseconds > 0 && call.charge != nil {
            let id = call.callId.uuidString.lowercased()
            let charged = state.charging(of: call).chargingPostings
            if charged == 0 {
                lines.append("call \(id) ended with \(call.billableMilliseconds) ms billable to \(call.payer) but has no posting")
            } else if charged > 1 {
                lines.append("call \(id) is charged \(charged) times (expected exactly one posting)")
            }
        }
        for callId in state.entriesNamingCall.keys.sorted(by: { $0.uuidString < $1.uuidString }) where state.calls[callId] == nil {
            lines.append("\(state.entriesNamingCall[callId] ?? 0) ledger entries name call \(callId.uuidString.lowercased()), which is not in the log")
        }
        for discrepancy in state.ledger.debitsEqualCredits() {
            lines.append("debits do not equal credits: \(discrepancy.description)")
        }
        for hold in state.ledger.pendingHolds {
            if now >= hold.expiresAt {
                lines.append("hold \(hold.holdId) expired at \(Timestamp.text(hold.expiresAt)) but is still pending (no HoldExpired)")
            } else if let callId = hold.callId, let call = state.calls[callId], call.isOver {
                lines.append("hold \(hold.holdId) is still pending though call \(callId.uuidString.lowercased()) is \(call.outcome.rawValue)")
            }
        }
        lines += state.problems.map(\.description)
        if state.problemCount > state.problems.count {
            lines.append("\(state.problemCount - state.problems.count) more events could not be folded")
        }
        return lines
    }
}
