import Domain
import Foundation

/// The double-entry ledger as a pure value: fold `LedgerEntry`s into it with `apply`.
///
/// Guarantees (each tested in BillingTests, the invariants also by a seeded property test):
/// - Every leg debits one account and credits another by the same amount, so the balances
///   of each currency always sum to zero (`debitsEqualCredits()` reports any discrepancy).
/// - An entry applies completely or not at all; a refused entry leaves the ledger unchanged.
/// - A shopper wallet (and platform revenue) never goes below zero, counting holds:
///   available = balance − pending holds.
/// - Idempotency: a posting id or hold id applies once; a second delivery throws
///   `.duplicate` and changes nothing, so a caller may treat it as success. For that the
///   ledger remembers every posting id it applied, every transfer (a reversal must mirror
///   its original) and every hold with its end state — memory grows with the log, bounded
///   by `LedgerLimits.maxPostings`.
/// - A hold ends exactly once: posted (before `expiresAt`), voided, or expired.
/// - Amounts are `Int64` micros; a sum out of range is refused, never wrapped.
///
/// Replaying the log, pass each entry's own `at` as `now`, so the replay decides exactly as
/// the live ledger did.
public struct Ledger: Sendable {
    struct BalanceKey: Hashable, Sendable {
        let account: LedgerAccount
        let currency: Currency
    }

    public let limits: LedgerLimits
    var balancesMicros: [BalanceKey: Int64] = [:]
    /// Pending hold totals per account; only non-zero totals are kept.
    var heldMicros: [BalanceKey: Int64] = [:]
    var seenPostingIds: Set<String> = []
    var holds: [String: LedgerHold] = [:]
    var pendingHoldIds: Set<String> = []
    var transfers: [String: FundsTransferred] = [:]
    var reversedPostingIds: Set<String> = []
    var entriesByCall: [UUID: [LedgerEntry]] = [:]

    public init(limits: LedgerLimits = .standard) {
        self.limits = limits
    }

    /// Applies one entry at `now`, or throws and changes nothing.
    public mutating func apply(_ entry: LedgerEntry, now: Date) throws(LedgerError) {
        try checkId(entry.postingId, name: "postingId", maxBytes: limits.maxIdBytes)
        guard !seenPostingIds.contains(entry.postingId) else { throw .duplicate(id: entry.postingId) }
        guard seenPostingIds.count < limits.maxPostings else {
            throw .capacityReached("the ledger holds its maximum of \(limits.maxPostings) postings")
        }
        if let callId = entry.callId, let count = entriesByCall[callId]?.count, count >= limits.maxEntriesPerCall {
            throw .capacityReached("call \(callId) already has \(count) ledger entries (max \(limits.maxEntriesPerCall))")
        }
        switch entry {
        case .transferred(let transfer): try applyTransfer(transfer)
        case .holdPlaced(let placed): try applyHoldPlaced(placed, now: now)
        case .holdPosted(let posted): try applyHoldPosted(posted, now: now)
        case .holdVoided(let voided): try endHold(voided.holdId, currency: voided.currency, as: .voided, reason: voided.reason)
        case .holdExpired(let expired): try applyHoldExpired(expired, now: now)
        }
        // Only reached when the entry applied: bookkeeping for idempotency and queries.
        seenPostingIds.insert(entry.postingId)
        if let callId = entry.callId { entriesByCall[callId, default: []].append(entry) }
    }

    /// The expiries due at `now` (at most `maxCount`, earliest first), for the caller to
    /// append and apply. Until then an overdue hold still reserves its amount.
    public func expireHolds(now: Date, maxCount: Int = 1_000) -> [HoldExpired] {
        let due = pendingHoldIds.compactMap { holds[$0] }.filter { now >= $0.expiresAt }
            .sorted { ($0.expiresAt, $0.holdId) < ($1.expiresAt, $1.holdId) }
        return due.prefix(max(0, maxCount)).map {
            HoldExpired(postingId: HoldExpired.postingId(forHold: $0.holdId), holdId: $0.holdId, callId: $0.callId,
                        currency: $0.currency, at: now)
        }
    }

    // MARK: - Entries

    private mutating func applyTransfer(_ transfer: FundsTransferred) throws(LedgerError) {
        try checkLegs(transfer.legs, allowEmpty: false)
        switch (transfer.reason, transfer.reverses) {
        case (.reversal, nil): throw .invalid("a reversal must name the posting it reverses")
        case (.reversal, let original?): try checkReversal(transfer, of: original)
        case (_, .some): throw .invalid("only a posting with reason reversal may reverse another")
        case (_, nil): break
        }
        var change = BalanceChange()
        for leg in transfer.legs { try change.move(leg, currency: transfer.currency) }
        try commit(change)
        transfers[transfer.postingId] = transfer
        if let original = transfer.reverses { reversedPostingIds.insert(original) }
    }

    private func checkReversal(_ reversal: FundsTransferred, of originalId: String) throws(LedgerError) {
        guard let original = transfers[originalId] else { throw .invalid("posting \(originalId) to reverse is not a transfer in this ledger") }
        guard original.reason != .reversal else { throw .invalid("\(originalId) is itself a reversal: post the original again under a new id") }
        guard !reversedPostingIds.contains(originalId) else { throw .invalid("posting \(originalId) was already reversed") }
        guard reversal.currency == original.currency else {
            throw .invalid("mixed currencies: reversal in \(reversal.currency) of a posting in \(original.currency)")
        }
        guard reversal.legs == original.legs.map(\.swapped) else {
            throw .invalid("a reversal of \(originalId) must carry its legs swapped, in the same order")
        }
    }

    private mutating func applyHoldPlaced(_ placed: HoldPlaced, now: Date) throws(LedgerError) {
        // Hold ids keep room for the derived expiry posting id ("expire:" + holdId).
        try checkId(placed.holdId, name: "holdId", maxBytes: limits.maxIdBytes - 16)
        guard holds[placed.holdId] == nil else { throw .duplicate(id: placed.holdId) }
        try checkAmount(placed.amountMicros)
        try placed.account.check()
        try placed.counterparty.check()
        guard placed.account != placed.counterparty else { throw .invalid("a hold's account and counterparty must differ (\(placed.account))") }
        guard placed.expiresAt > now else { throw .invalid("hold \(placed.holdId) expires at or before now") }
        guard pendingHoldIds.count < limits.maxPendingHolds else {
            throw .capacityReached("\(limits.maxPendingHolds) holds are pending already")
        }
        var change = BalanceChange()
        try change.hold(placed.amountMicros, of: placed.account, currency: placed.currency)
        try commit(change)
        holds[placed.holdId] = LedgerHold(holdId: placed.holdId, placedBy: placed.postingId, callId: placed.callId,
                                          currency: placed.currency, account: placed.account, counterparty: placed.counterparty,
                                          amountMicros: placed.amountMicros, expiresAt: placed.expiresAt, state: .pending)
        pendingHoldIds.insert(placed.holdId)
    }

    private mutating func applyHoldPosted(_ posted: HoldPosted, now: Date) throws(LedgerError) {
        let hold = try pendingHold(posted.holdId, currency: posted.currency)
        guard now < hold.expiresAt else { throw .holdExpired(holdId: hold.holdId, expiresAt: hold.expiresAt) }
        guard posted.amountMicros >= 0 else { throw .invalid("a hold is posted for 0 or more micros, not \(posted.amountMicros)") }
        guard posted.amountMicros <= hold.amountMicros else {
            throw .exceedsHold(holdId: hold.holdId, heldMicros: hold.amountMicros, requestedMicros: posted.amountMicros)
        }
        try checkLegs(posted.legs, allowEmpty: true)
        var change = BalanceChange()
        // The whole hold is released; what is posted then moves like any leg.
        try change.hold(-hold.amountMicros, of: hold.account, currency: hold.currency)
        if posted.amountMicros > 0 {
            try change.move(PostingLeg(debit: hold.account, credit: hold.counterparty, amountMicros: posted.amountMicros),
                            currency: hold.currency)
        }
        for leg in posted.legs { try change.move(leg, currency: hold.currency) }
        try commit(change)
        finish(hold, as: .posted(amountMicros: posted.amountMicros))
    }

    private mutating func applyHoldExpired(_ expired: HoldExpired, now: Date) throws(LedgerError) {
        let hold = try pendingHold(expired.holdId, currency: expired.currency)
        guard now >= hold.expiresAt else { throw .holdNotYetExpired(holdId: hold.holdId, expiresAt: hold.expiresAt) }
        try endHold(hold.holdId, currency: hold.currency, as: .expired, reason: nil)
    }

    /// Voids or expires: the full amount is released and nothing moves. A void after the
    /// expiry instant (before its `HoldExpired`) is accepted: releasing is what expiry does too.
    private mutating func endHold(_ holdId: String, currency: Currency, as state: LedgerHold.State, reason: String?) throws(LedgerError) {
        let hold = try pendingHold(holdId, currency: currency)
        if let reason {
            guard (1...200).contains(reason.utf8.count) else { throw .invalid("a void reason is 1…200 bytes") }
        }
        var change = BalanceChange()
        try change.hold(-hold.amountMicros, of: hold.account, currency: hold.currency)
        try commit(change)
        finish(hold, as: state)
    }

    private func pendingHold(_ holdId: String, currency: Currency) throws(LedgerError) -> LedgerHold {
        guard let hold = holds[holdId] else { throw .unknownHold(holdId: holdId) }
        guard hold.currency == currency else {
            throw .invalid("mixed currencies: hold \(holdId) is in \(hold.currency), the entry in \(currency)")
        }
        guard hold.isPending else { throw .holdNotPending(holdId: holdId, state: hold.state) }
        return hold
    }

    private mutating func finish(_ hold: LedgerHold, as state: LedgerHold.State) {
        var ended = hold
        ended.state = state
        holds[hold.holdId] = ended
        pendingHoldIds.remove(hold.holdId)
    }

    // MARK: - Checks

    private func checkId(_ id: String, name: String, maxBytes: Int) throws(LedgerError) {
        guard !id.isEmpty, id.utf8.count <= maxBytes else { throw .invalid("\(name) must be 1…\(maxBytes) bytes, got \(id.utf8.count)") }
    }

    private func checkAmount(_ amountMicros: Int64) throws(LedgerError) {
        guard amountMicros > 0 else { throw .invalid("an amount must be above zero, not \(amountMicros) micros") }
    }

    private func checkLegs(_ legs: [PostingLeg], allowEmpty: Bool) throws(LedgerError) {
        guard allowEmpty || !legs.isEmpty else { throw .invalid("a transfer needs at least one leg") }
        guard legs.count <= limits.maxLegsPerPosting else {
            throw .invalid("a posting has at most \(limits.maxLegsPerPosting) legs, not \(legs.count)")
        }
        for leg in legs {
            try checkAmount(leg.amountMicros)
            try leg.debit.check()
            try leg.credit.check()
            guard leg.debit != leg.credit else { throw .invalid("a leg must move money between two accounts, not \(leg.debit) to itself") }
        }
    }

    /// Validates a change against the non-negative rule and `Int64` range, then writes it.
    /// Nothing is written unless everything passes: this is what makes entries atomic.
    private mutating func commit(_ change: BalanceChange) throws(LedgerError) {
        let keys = Set(change.balanceDeltas.keys).union(change.heldDeltas.keys)
            .sorted { ($0.account.description, $0.currency.code) < ($1.account.description, $1.currency.code) }
        var writes: [(key: BalanceKey, balance: Int64, held: Int64)] = []
        writes.reserveCapacity(keys.count)
        for key in keys {
            let oldBalance = balancesMicros[key] ?? 0
            let oldHeld = heldMicros[key] ?? 0
            let newBalance128 = Int128(oldBalance) + Int128(change.balanceDeltas[key] ?? 0)
            let newHeld128 = Int128(oldHeld) + Int128(change.heldDeltas[key] ?? 0)
            guard let newBalance = Int64(exactly: newBalance128) else { throw .overflow("the balance of \(key.account) in \(key.currency)") }
            guard let newHeld = Int64(exactly: newHeld128), newHeld >= 0 else { throw .overflow("the holds on \(key.account) in \(key.currency)") }
            if !key.account.mayGoNegative, newBalance128 - newHeld128 < 0 {
                let oldAvailable = Int128(oldBalance) - Int128(oldHeld)
                throw .insufficientFunds(account: key.account, currency: key.currency,
                                         availableMicros: Self.clamped(oldAvailable),
                                         requiredMicros: Self.clamped(oldAvailable - (newBalance128 - newHeld128)))
            }
            writes.append((key, newBalance, newHeld))
        }
        for write in writes {
            balancesMicros[write.key] = write.balance
            heldMicros[write.key] = write.held == 0 ? nil : write.held
        }
    }

    static func clamped(_ value: Int128) -> Int64 {
        Int64(exactly: value) ?? (value < 0 ? .min : .max)
    }
}
