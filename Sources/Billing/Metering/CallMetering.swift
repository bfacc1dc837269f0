import Domain

/// Turns billable time into money under a merchant's `CallPricing`, in integer micros.
///
/// Rounding rule: billable seconds are rounded UP to the billing increment; usage is
/// `perMinuteMicros × roundedSeconds / 60` with the remainder rounded half up (a remainder
/// of 30/60 or more adds one micro). Example: 1_000 micros/minute for 1 s is 16.67 → 17;
/// 3 micros/minute for 10 s is 0.5 → 1; 1 micro/minute for 29 s is 0.483 → 0.
/// A connected call (billable > 0) adds the setup fee and is raised to the minimum charge;
/// a call with 0 billable seconds costs nothing.
public struct CallMetering: Equatable, Sendable {
    public let pricing: CallPricing
    /// The least a connected call costs (the merchant pricing type will carry it later).
    public let minimumChargeMicros: Int64

    public init(pricing: CallPricing, minimumChargeMicros: Int64) throws(LedgerError) {
        guard minimumChargeMicros >= 0 else { throw .invalid("minimumChargeMicros must not be negative, got \(minimumChargeMicros)") }
        self.pricing = pricing
        self.minimumChargeMicros = minimumChargeMicros
    }

    /// The charge for `billableSeconds` of conversation.
    public func charge(billableSeconds: Int64) throws(LedgerError) -> CallCharge {
        guard billableSeconds >= 0 else { throw .invalid("billable seconds must not be negative, got \(billableSeconds)") }
        guard billableSeconds > 0 else {
            return CallCharge(billableSeconds: 0, roundedSeconds: 0, usageMicros: 0, setupFeeMicros: 0, minimumTopUpMicros: 0, totalMicros: 0)
        }
        let rounded = try Self.roundedUp(billableSeconds, toMultipleOf: Int64(pricing.billingIncrementSeconds))
        let usage = try Self.usageMicros(perMinuteMicros: pricing.perMinuteMicros, seconds: rounded)
        let beforeMinimum = Int128(usage) + Int128(pricing.setupFeeMicros)
        let topUp = max(0, Int128(minimumChargeMicros) - beforeMinimum)
        guard let total = Int64(exactly: beforeMinimum + topUp), let topUpMicros = Int64(exactly: topUp) else {
            throw .overflow("the charge for \(billableSeconds) s")
        }
        return CallCharge(billableSeconds: billableSeconds, roundedSeconds: rounded, usageMicros: usage,
                          setupFeeMicros: pricing.setupFeeMicros, minimumTopUpMicros: topUpMicros, totalMicros: total)
    }

    /// The charge for a `CallEnded`'s billable milliseconds: a started second counts whole.
    public func charge(billableMilliseconds: Int64) throws(LedgerError) -> CallCharge {
        guard billableMilliseconds >= 0 else { throw .invalid("billable milliseconds must not be negative, got \(billableMilliseconds)") }
        return try charge(billableSeconds: try Self.roundedUp(billableMilliseconds, toMultipleOf: 1_000) / 1_000)
    }

    /// What a call of `seconds` will cost: the amount to hold before it starts.
    public func expectedCostMicros(for seconds: Int64) throws(LedgerError) -> Int64 {
        try charge(billableSeconds: seconds).totalMicros
    }

    /// The longest call (in seconds, up to `capSeconds`) that `availableMicros` pays for in
    /// full, so a call can be ended when credit runs out. The charge never falls as time
    /// grows, so a binary search over at most 64 steps finds it. A free call returns the cap.
    public func affordableSeconds(availableMicros: Int64, capSeconds: Int64 = 86_400) -> Int64 {
        guard availableMicros >= 0, capSeconds > 0 else { return 0 }
        func affordable(_ seconds: Int64) -> Bool {
            // A charge out of range is not affordable by any Int64 wallet.
            guard let charge = try? charge(billableSeconds: seconds) else { return false }
            return charge.totalMicros <= availableMicros
        }
        if affordable(capSeconds) { return capSeconds }
        var low: Int64 = 0  // affordable (0 s costs nothing)
        var high = capSeconds  // not affordable
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if affordable(middle) { low = middle } else { high = middle }
        }
        return low
    }

    /// `perMinuteMicros × seconds / 60`, remainder rounded half up.
    static func usageMicros(perMinuteMicros: Int64, seconds: Int64) throws(LedgerError) -> Int64 {
        let product = Int128(perMinuteMicros) * Int128(seconds)
        let (quotient, remainder) = product.quotientAndRemainder(dividingBy: 60)
        guard let usage = Int64(exactly: quotient + (remainder * 2 >= 60 ? 1 : 0)) else {
            throw .overflow("usage for \(seconds) s at \(perMinuteMicros) micros/minute")
        }
        return usage
    }

    static func roundedUp(_ value: Int64, toMultipleOf increment: Int64) throws(LedgerError) -> Int64 {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: increment)
        let units = Int128(quotient) + (remainder > 0 ? 1 : 0)
        guard let rounded = Int64(exactly: units * Int128(increment)) else { throw .overflow("\(value) rounded up to \(increment)") }
        return rounded
    }
}
