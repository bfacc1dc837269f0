import Foundation

/// A calendar month an invoice covers.
public struct InvoicePeriod: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init(year: Int, month: Int) throws(LedgerError) {
        guard (2000...9999).contains(year) else { throw .invalid("an invoice year is 2000…9999, not \(year)") }
        guard (1...12).contains(month) else { throw .invalid("a month is 1…12, not \(month)") }
        self.year = year; self.month = month
    }

    /// `2026-11`.
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (lhs: InvoicePeriod, rhs: InvoicePeriod) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}

extension InvoicePeriod {
    /// `2026-11` → the period; anything else is `invalid` with the expected form.
    public init(parsing text: String) throws(LedgerError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]) else {
            throw .invalid("a month is written YYYY-MM (2026-11), not '\(text)'")
        }
        try self.init(year: year, month: month)
    }

    /// The month's first instant and the next month's, in UTC: [start, end).
    public var interval: (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let start = calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? Date(timeIntervalSince1970: 0)
        let end = calendar.date(byAdding: .month, value: 1, to: start) ?? start
        return (start, end)
    }

    /// The month `date` falls in (UTC).
    public static func containing(_ date: Date) -> InvoicePeriod? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month], from: date)
        guard let year = parts.year, let month = parts.month else { return nil }
        return try? InvoicePeriod(year: year, month: month)
    }
}
