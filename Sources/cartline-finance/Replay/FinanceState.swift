import Billing
import Domain
import Foundation

/// Everything finance folds from the log, in log order: the ledger (as `Ledger` folds it,
/// each entry applied at its own `at`, so the replay decides exactly as the live ledger
/// did), the calls with their terms and outcomes, and the carts that got an offer or were
/// held out. Details that only reports need (postings, invoices, cohort carts) are kept for
/// `window` alone. Pure: the same events in the same order give the same state.
struct FinanceState {
    /// The event types the fold reads; the rest of the log is not fetched.
    static let eventTypes: [String] = LedgerEntry.eventTypes + [
        CallRequested.eventType, CallAnswered.eventType, CallEnded.eventType, CallFailed.eventType,
        EngagementEvaluated.eventType, CallOffered.eventType, CheckoutCompleted.eventType, InvoiceRecord.eventType,
    ]
    /// Problems kept in full; more are only counted, so a broken log cannot exhaust memory.
    static let problemsKeptMax = 10_000

    let window: RecordedRange
    private(set) var ledger = Ledger()
    private(set) var calls: [UUID: CallRecord] = [:]
    private(set) var carts: [UUID: CartRecord] = [:]
    /// Applied ledger entries recorded in `window`, in log order.
    private(set) var postings: [PostingRecord] = []
    /// `InvoiceIssued` events recorded in `window`, in log order.
    private(set) var invoices: [(recordedAt: Date, invoice: InvoiceRecord)] = []
    /// How many applied ledger entries name each call (all of the log read, not just `window`).
    private(set) var entriesNamingCall: [UUID: Int] = [:]
    private(set) var problems: [FoldProblem] = []
    private(set) var problemCount = 0
    private(set) var eventCount: Int64 = 0
    private let decoder = LogDecoder()

    init(window: RecordedRange) {
        self.window = window
    }

    mutating func apply(_ event: StoredEvent) {
        eventCount += 1
        do {
            switch event.type {
            case CallRequested.eventType: applyCallRequested(try decoder.decode(CallRequested.self, from: event), event)
            case CallAnswered.eventType:
                let answered = try decoder.decode(CallAnswered.self, from: event)
                updateCall(answered.callId, event) { if $0.outcome == .requested { $0.outcome = .answered } }
            case CallEnded.eventType:
                let ended = try decoder.decode(CallEnded.self, from: event)
                updateCall(ended.callId, event) {
                    $0.outcome = .ended; $0.billableMilliseconds = ended.billableMilliseconds; $0.endedAt = ended.at
                }
            case CallFailed.eventType:
                let failed = try decoder.decode(CallFailed.self, from: event)
                updateCall(failed.callId, event) { $0.outcome = .failed; $0.failureReason = failed.reason; $0.endedAt = failed.at }
            case EngagementEvaluated.eventType:
                let evaluated = try decoder.decode(EngagementEvaluated.self, from: event)
                if evaluated.decision.reasons.contains(.holdout) { updateCart(evaluated.cartId, event) { $0.holdout = true } }
            case CallOffered.eventType:
                let offered = try decoder.decode(CallOffered.self, from: event)
                updateCart(offered.cartId, event) { $0.offered = true }
            case CheckoutCompleted.eventType:
                let completed = try decoder.decode(CheckoutCompleted.self, from: event)
                // The cart is named by its stream; only carts already in a group are kept.
                if event.stream.hasPrefix("cart-"), let cartId = UUID(uuidString: String(event.stream.dropFirst(5))),
                   carts[cartId] != nil, carts[cartId]?.checkout == nil {
                    carts[cartId]?.checkout = completed.total
                }
            case InvoiceRecord.eventType:
                let invoice = try decoder.decode(InvoiceRecord.self, from: event)
                if window.contains(event.recordedAt) { invoices.append((event.recordedAt, invoice)) }
            default:
                try applyLedger(event)
            }
        } catch let error as LedgerError {
            note(event, error.description)
        } catch {
            note(event, "does not decode: \(error)")
        }
    }

    // MARK: - Calls and carts

    private mutating func applyCallRequested(_ requested: CallRequested, _ event: StoredEvent) {
        // The request is stored in the call's stream and echoed in the engagement stream:
        // the call's own stream is the record.
        guard event.stream.hasPrefix("call-") else { return }
        guard calls[requested.callId] == nil else { return note(event, "a second CallRequested for call \(requested.callId)") }
        calls[requested.callId] = CallRecord(callId: requested.callId, merchantId: requested.merchantId, shopperId: requested.shopperId,
                                             mode: requested.mode.rawValue, charge: requested.charge, requestedAt: event.recordedAt)
    }

    private mutating func updateCall(_ callId: UUID, _ event: StoredEvent, _ change: (inout CallRecord) -> Void) {
        guard var call = calls[callId] else { return note(event, "names call \(callId), which was never requested") }
        change(&call)
        calls[callId] = call
    }

    private mutating func updateCart(_ cartId: UUID, _ event: StoredEvent, _ change: (inout CartRecord) -> Void) {
        var cart = carts[cartId] ?? CartRecord(cartId: cartId, enteredAt: event.recordedAt)
        change(&cart)
        carts[cartId] = cart
    }

    // MARK: - Ledger

    private mutating func applyLedger(_ event: StoredEvent) throws(LedgerError) {
        guard let entry = try LedgerEntry.decode(eventType: event.type, json: Data(event.data.utf8)) else { return }
        // Read before applying: a void or expiry needs the hold as it was.
        let hold: LedgerHold? = switch entry {
        case .holdPosted(let posted): ledger.hold(posted.holdId)
        case .holdVoided(let voided): ledger.hold(voided.holdId)
        case .holdExpired(let expired): ledger.hold(expired.holdId)
        case .transferred, .holdPlaced: nil
        }
        try ledger.apply(entry, now: entry.at)
        if let callId = entry.callId { entriesNamingCall[callId, default: 0] += 1 }
        guard window.contains(event.recordedAt) else { return }
        postings.append(Self.record(entry, hold: hold, event: event))
    }

    static func record(_ entry: LedgerEntry, hold: LedgerHold?, event: StoredEvent) -> PostingRecord {
        switch entry {
        case .transferred(let transfer):
            return PostingRecord(position: event.position, recordedAt: event.recordedAt, entry: entry,
                                 amountMicros: transfer.legs.reduce(0) { $0 &+ $1.amountMicros }, legs: transfer.legs,
                                 fromAccount: transfer.legs.first?.debit)
        case .holdPlaced(let placed):
            return PostingRecord(position: event.position, recordedAt: event.recordedAt, entry: entry, amountMicros: placed.amountMicros,
                                 legs: [], fromAccount: placed.account)
        case .holdPosted(let posted):
            var legs = posted.legs
            if let hold, posted.amountMicros > 0 {
                legs.insert(PostingLeg(debit: hold.account, credit: hold.counterparty, amountMicros: posted.amountMicros), at: 0)
            }
            return PostingRecord(position: event.position, recordedAt: event.recordedAt, entry: entry, amountMicros: posted.amountMicros,
                                 legs: legs, fromAccount: hold?.account)
        case .holdVoided, .holdExpired:
            return PostingRecord(position: event.position, recordedAt: event.recordedAt, entry: entry, amountMicros: hold?.amountMicros ?? 0,
                                 legs: [], fromAccount: hold?.account)
        }
    }

    private mutating func note(_ event: StoredEvent, _ reason: String) {
        problemCount += 1
        guard problems.count < Self.problemsKeptMax else { return }
        problems.append(FoldProblem(position: event.position, type: event.type, stream: event.stream, reason: reason))
    }
}
