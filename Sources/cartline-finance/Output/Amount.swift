import Domain

/// Money as exact decimal text: integer micros printed with at least the currency's minor
/// units and at most six fraction digits (`12.50`, `0.016667`), never rounded, never floating point.
enum Amount {
    static func text(micros: Int64, currency: Currency?) -> String {
        let minorUnits = currency?.minorUnits ?? 2
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let whole = magnitude / 1_000_000
        var fraction = String(magnitude % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > minorUnits, fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// `12.50 EUR`.
    static func text(_ money: Money) -> String { "\(text(micros: money.amountMicros, currency: money.currency)) \(money.currency)" }
}
