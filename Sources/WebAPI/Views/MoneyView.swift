import Domain

/// Money in responses: exact micro-units for programs, a display string for people.
struct MoneyView: Codable, Sendable {
    let amountMicros: Int64
    let currency: String
    let display: String

    init(_ money: Money) {
        self.amountMicros = money.amountMicros
        self.currency = money.currency.code
        self.display = money.description
    }
}
