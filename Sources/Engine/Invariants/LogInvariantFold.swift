import Billing
import Domain
import EventLog
import Foundation

/// The invariants read from the log alone: calls (offers, requests, outcomes) and the
/// ledger, folded as `cartline-finance reconcile` folds them (the same `Billing.Ledger`,
/// each entry applied at its own `at`, and the same charging count). Pure: the same events
/// in the same order give the same violations.
struct LogInvariantFold {
    /// The event types the fold reads; the checker reads all events but skips the rest at once.
    static let eventTypes: Set<String> = Set(LedgerEntry.eventTypes + [
        OfferAccepted.eventType, CallRequested.eventType, CallEnded.eventType, CallFailed.eventType,
    ])

    private(set) var ledger = Ledger()
    private(set) var calls: [UUID: CallTally] = [:]
    private var ledgerEntries = 0
    /// Ledger entries that name a call, per call id (applied ones only).
    private var entriesNamingCall: [UUID: Int] = [:]
    private var pending: [InvariantViolation] = []

    mutating func apply(_ event: RecordedEvent, report: inout InvariantReport) {
        guard Self.eventTypes.contains(event.type) else { return }
        do {
            switch event.type {
            case OfferAccepted.eventType:
                let accepted = try event.payload(OfferAccepted.self)
                calls[accepted.callId, default: CallTally()].acceptances += 1
                calls[accepted.callId]?.acceptedInStream = event.stream
            case CallRequested.eventType:
                // The request is stored in the call's stream and echoed in the engagement
                // stream: the call's own stream is the record.
                guard event.stream.hasPrefix("call-") else { return }
                let requested = try event.payload(CallRequested.self)
                var call = calls[requested.callId] ?? CallTally()
                call.requests += 1
                if call.requestStreams.count < CallTally.streamsKeptMax { call.requestStreams.append("\(event.stream)@\(event.streamVersion)") }
                if call.requests == 1 {
                    call.shopperId = requested.shopperId; call.merchantId = requested.merchantId; call.charge = requested.charge
                }
                calls[requested.callId] = call
            case CallEnded.eventType:
                let ended = try event.payload(CallEnded.self)
                outcome(ended.callId, "CallEnded at \(event.stream)@\(event.streamVersion)", report: &report)
                calls[ended.callId]?.ended = true
                calls[ended.callId]?.billableMilliseconds = ended.billableMilliseconds
            case CallFailed.eventType:
                let failed = try event.payload(CallFailed.self)
                outcome(failed.callId, "CallFailed (\(failed.reason)) at \(event.stream)@\(event.streamVersion)", report: &report)
            default:
                applyLedger(event, report: &report)
            }
        } catch {
            report.add(InvariantViolation(.eventsDecode, subject: "\(event.type) at \(event.stream)@\(event.streamVersion)",
                                          expected: "a readable event", found: error.description))
        }
    }

    private mutating func outcome(_ callId: UUID, _ what: String, report: inout InvariantReport) {
        guard calls[callId]?.requests ?? 0 > 0 else {
            report.add(InvariantViolation(.callHasOneOutcome, subject: "call \(Self.text(callId))",
                                          expected: "an outcome of a requested call", found: "\(what) for a call never requested"))
            return
        }
        calls[callId]?.outcomes.append(what)
    }

    private mutating func applyLedger(_ event: RecordedEvent, report: inout InvariantReport) {
        let subject = "\(event.type) at \(event.stream)@\(event.streamVersion)"
        let entry: LedgerEntry
        do {
            guard let decoded = try LedgerEntry.decode(eventType: event.type, json: Data(event.data.text.utf8)) else { return }
            entry = decoded
        } catch {
            report.add(InvariantViolation(.eventsDecode, subject: subject, expected: "a readable ledger entry", found: error.description))
            return
        }
        ledgerEntries += 1
        do {
            try ledger.apply(entry, now: entry.at)
            if let callId = entry.callId { entriesNamingCall[callId, default: 0] += 1 }
        } catch {
            // The live ledger refuses these before appending: one in the log broke an invariant.
            let invariant: Invariant = switch error {
            case .invalid, .overflow: .debitsEqualCredits
            case .insufficientFunds: .walletsNonNegative
            default: .ledgerEntryApplies
            }
            report.add(InvariantViolation(invariant, subject: "posting \(entry.postingId) (\(subject))",
                                          expected: "an entry the ledger accepts", found: "refused: \(error.description)"))
        }
    }

    /// The checks that need the whole log: counts, open calls, charging, balances.
    mutating func finish(allowOpenCalls: Bool, report: inout InvariantReport) {
        let ids = calls.keys.sorted { $0.uuidString < $1.uuidString }
        var accepted = 0, requested = 0, billable = 0
        for id in ids {
            guard let call = calls[id] else { continue }
            let subject = "call \(Self.text(id))"
            if call.acceptances > 0 {
                accepted += 1
                if call.requests != 1 {
                    report.add(InvariantViolation(.acceptedOfferHasOneCall, subject: "\(subject) (accepted in \(call.acceptedInStream ?? "?"))",
                                                  expected: "exactly one CallRequested",
                                                  found: call.requests == 0 ? "none" : "\(call.requests): \(call.requestStreams.joined(separator: ", "))"))
                }
            }
            guard call.requests > 0 else { continue }
            requested += 1
            if call.outcomes.count > 1 {
                report.add(InvariantViolation(.callHasOneOutcome, subject: subject, expected: "exactly one outcome",
                                              found: "\(call.outcomes.count): \(call.outcomes.joined(separator: "; "))"))
            }
            if call.outcomes.isEmpty {
                report.openCall(id)
                if !allowOpenCalls {
                    report.add(InvariantViolation(.noOpenCalls, subject: subject, expected: "CallEnded or CallFailed after the run",
                                                  found: "no outcome (requested at \(call.requestStreams.first ?? "?"))"))
                }
            }
            if call.isBillable {
                billable += 1
                let postings = chargingPostings(of: id)
                if postings == 0 {
                    report.add(InvariantViolation(.billableCallCharged, subject: subject,
                                                  expected: "one charging posting for \(call.billableMilliseconds) ms billable",
                                                  found: "none"))
                } else if postings > 1 {
                    report.add(InvariantViolation(.callChargedOnce, subject: subject, expected: "exactly one charging posting",
                                                  found: "\(postings)"))
                }
            }
        }
        report.checked(.acceptedOfferHasOneCall, accepted)
        report.checked(.callHasOneOutcome, requested)
        report.checked(.noOpenCalls, requested)
        report.checked(.billableCallCharged, billable)
        report.checked(.callChargedOnce, billable)

        var naming = 0
        for callId in entriesNamingCall.keys.sorted(by: { $0.uuidString < $1.uuidString }) {
            naming += 1
            guard calls[callId]?.requests ?? 0 == 0 else { continue }
            report.add(InvariantViolation(.postingNamesCall, subject: "call \(Self.text(callId))",
                                          expected: "a CallRequested in the log for the call its ledger entries name",
                                          found: "\(entriesNamingCall[callId] ?? 0) ledger entries and no such call"))
        }
        report.checked(.postingNamesCall, naming)

        for discrepancy in ledger.debitsEqualCredits() {
            report.add(InvariantViolation(.debitsEqualCredits, subject: "currency \(discrepancy.currency)",
                                          expected: "balances summing to 0", found: "\(discrepancy.sumMicros) micros"))
        }
        report.checked(.debitsEqualCredits, ledgerEntries)
        let balances = ledger.balances()
        for balance in balances where !balance.account.mayGoNegative && balance.balanceMicros - balance.heldMicros < 0 {
            report.add(InvariantViolation(.walletsNonNegative, subject: "account \(balance.account) in \(balance.currency)",
                                          expected: "available ≥ 0",
                                          found: "balance \(balance.balanceMicros) micros, held \(balance.heldMicros) micros"))
        }
        report.checked(.walletsNonNegative, balances.filter { !$0.account.mayGoNegative }.count)
        report.checked(.ledgerEntryApplies, ledgerEntries)
    }

    /// How many charging postings stand for the call: posts and charging transfers, minus
    /// reversals (top-ups and settlements are not charges) — as `cartline-finance
    /// reconcile` counts them.
    private func chargingPostings(of callId: UUID) -> Int {
        var count = 0
        for entry in ledger.postings(ofCall: callId) {
            switch entry {
            case .transferred(let transfer):
                if transfer.reason == .reversal { count -= 1 } else if transfer.reason != .topUp, transfer.reason != .settlement { count += 1 }
            case .holdPosted: count += 1
            case .holdPlaced, .holdVoided, .holdExpired: continue
            }
        }
        return count
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }
}
