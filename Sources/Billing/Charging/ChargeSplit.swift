/// A charge divided between the platform and the merchant; the two always sum to the charge.
public struct ChargeSplit: Hashable, Sendable {
    public let chargeMicros: Int64
    /// `chargeMicros × basis points / 10_000`, rounded half up.
    public let platformFeeMicros: Int64
    /// The remainder, so no micro is lost to rounding.
    public let merchantShareMicros: Int64

    /// Splits `chargeMicros` with a fee of `basisPoints` (0…10_000; 250 is 2.5 %).
    public init(chargeMicros: Int64, platformFeeBasisPoints basisPoints: Int) throws(LedgerError) {
        guard chargeMicros >= 0 else { throw .invalid("a charge must not be negative, got \(chargeMicros) micros") }
        guard (0...10_000).contains(basisPoints) else { throw .invalid("platformFeeBasisPoints must be 0…10000, got \(basisPoints)") }
        let (quotient, remainder) = (Int128(chargeMicros) * Int128(basisPoints)).quotientAndRemainder(dividingBy: 10_000)
        // Half up: a remainder of 5_000/10_000 or more rounds the fee up by one micro. The
        // fee never exceeds the charge, since basisPoints ≤ 10_000.
        let fee = Int64(clamping: quotient + (remainder * 2 >= 10_000 ? 1 : 0))
        self.chargeMicros = chargeMicros
        self.platformFeeMicros = fee
        self.merchantShareMicros = chargeMicros - fee
    }
}
