/// An amount of money as an integer count of micro-units (a millionth of the currency's
/// unit), never floating point: per-second call rates are fractions of a cent.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public static let microsPerUnit: Int64 = 1_000_000

    public let amountMicros: Int64
    public let currency: Currency

    public init(amountMicros: Int64, currency: Currency) {
        self.amountMicros = amountMicros
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(amountMicros: 0, currency: currency) }

    /// Sum in one currency; mixing currencies or overflowing is an error, not a wrap.
    public func adding(_ other: Money) throws(DomainError) -> Money {
        guard other.currency == currency else { throw .rejected("cannot add \(other.currency) to \(currency)") }
        let (sum, overflow) = amountMicros.addingReportingOverflow(other.amountMicros)
        if overflow { throw .rejected("amount out of range") }
        return Money(amountMicros: sum, currency: currency)
    }

    public func multiplied(by factor: Int) throws(DomainError) -> Money {
        let (product, overflow) = amountMicros.multipliedReportingOverflow(by: Int64(factor))
        if overflow { throw .rejected("amount out of range") }
        return Money(amountMicros: product, currency: currency)
    }

    /// `12.50 EUR` — rounded toward zero to cents, for people; the log keeps micros.
    public var description: String {
        let cents = amountMicros / (Self.microsPerUnit / 100)
        let sign = cents < 0 ? "-" : ""
        let absolute = cents.magnitude
        let fraction = absolute % 100
        return "\(sign)\(absolute / 100).\(fraction < 10 ? "0" : "")\(fraction) \(currency)"
    }
}
