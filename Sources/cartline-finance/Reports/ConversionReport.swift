import Billing
import Domain
import Foundation

/// Carts that entered a group in the window: those offered a call against the holdout group
/// (evaluations whose reasons include `holdout`), their conversion (a `CheckoutCompleted` by
/// the window's end), revenue per cart (the totals at checkout), and the uplift with its
/// 95 % confidence interval.
enum ConversionReport {
    /// Counted as the merchant console counts (`Billing.ConversionGroup`).
    typealias Group = ConversionGroup

    static func groups(_ state: FinanceState) -> (offered: Group, holdout: Group) {
        ConversionGroup.split(state.carts.values.lazy.filter { state.window.contains($0.enteredAt) }
            .map { (offered: $0.offered, holdout: $0.holdout, checkout: $0.checkout) })
    }

    static func table(_ state: FinanceState) -> ReportTable {
        let (offered, holdout) = groups(state)
        var rows = [row(offered), row(holdout)]
        var notes: [String] = []
        if let uplift = Uplift(converted: offered.converted, of: offered.carts, versus: holdout.converted, of: holdout.carts) {
            rows.append([.text("uplift"), .integer(Int64(offered.carts + holdout.carts)), .integer(Int64(offered.converted + holdout.converted)),
                         .number(Uplift.text(uplift.difference)), .number(Uplift.text(uplift.low)), .number(Uplift.text(uplift.high)),
                         .text(""), .text(""), .text("")])
            notes.append("uplift = offered rate - holdout rate, 95% CI [\(Uplift.text(uplift.low)), \(Uplift.text(uplift.high))] (normal approximation)")
        } else {
            rows.append([.text("uplift"), .integer(Int64(offered.carts + holdout.carts)), .integer(Int64(offered.converted + holdout.converted)),
                         .text("n too small"), .text(""), .text(""), .text(""), .text(""), .text("")])
            notes.append("uplift: n too small (a group has no cart: offered \(offered.carts), holdout \(holdout.carts))")
        }
        return ReportTable(title: "Conversion: offered vs holdout",
                           columns: ["group", "carts", "converted", "conversion_rate", "ci95_low", "ci95_high", "revenue", "revenue_per_cart", "currency"],
                           rows: rows, notes: notes)
    }

    private static func row(_ group: Group) -> [Cell] {
        let currencies = group.revenueMicros.keys.sorted { $0.code < $1.code }
        let revenue = currencies.map { Amount.text(micros: group.revenueMicros[$0] ?? 0, currency: $0) }
        let perCart = currencies.map { Amount.text(micros: group.carts == 0 ? 0 : (group.revenueMicros[$0] ?? 0) / Int64(group.carts), currency: $0) }
        let number: ([String]) -> Cell = { $0.count == 1 ? .number($0[0]) : .text($0.joined(separator: " ")) }
        return [.text(group.name), .integer(Int64(group.carts)), .integer(Int64(group.converted)),
                group.rate.map { .number(Uplift.text($0)) } ?? .text("n too small"), .text(""), .text(""),
                currencies.isEmpty ? .number("0") : number(revenue), currencies.isEmpty ? .number("0") : number(perCart),
                .text(currencies.map(\.code).joined(separator: " "))]
    }
}
