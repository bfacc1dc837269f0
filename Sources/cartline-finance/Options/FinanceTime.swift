import ArgumentParser
import Foundation

/// An instant given on the command line: ISO 8601 (`2026-11-25T10:00:00Z`, fractional
/// seconds and offsets allowed) or a date (`2026-11-25`, midnight UTC).
struct FinanceTime: Sendable, Equatable, CustomStringConvertible {
    let date: Date

    init(date: Date) { self.date = date }

    /// Parses `text`, or explains what is expected.
    init(parsing text: String) throws(FinanceTimeError) {
        // Bound the work on hostile input before looking at it.
        guard text.utf8.count <= 40 else { throw FinanceTimeError(text: String(text.prefix(40)) + "…") }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            self.date = date
        } else if let date = try? Date(text, strategy: .iso8601) {
            self.date = date
        } else if text.utf8.count == 10,
                  let date = try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()) {
            self.date = date
        } else {
            throw FinanceTimeError(text: text)
        }
    }

    var description: String { Timestamp.text(date) }

    /// For `@Option(transform:)`: ArgumentParser shows the error's text.
    static func argument(_ text: String) throws -> FinanceTime {
        do { return try FinanceTime(parsing: text) } catch { throw ValidationError(error.description) }
    }
}

/// A time argument that is neither ISO 8601 nor a date.
struct FinanceTimeError: Error, CustomStringConvertible {
    let text: String
    var description: String { "'\(text)' is not a time: use ISO 8601 such as 2026-11-25T10:00:00Z, or a date such as 2026-11-25 (UTC midnight)" }
}
