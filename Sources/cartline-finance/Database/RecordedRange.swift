import Foundation

/// Which events a command reads, by `recorded_at`: from `from` (inclusive) up to `to`,
/// inclusive for an as-of replay, exclusive for a report's `[from, to)`.
struct RecordedRange: Sendable, Equatable {
    let from: Date
    let to: Date
    let includesEnd: Bool

    /// Everything recorded at or before `instant`.
    static func asOf(_ instant: Date) -> RecordedRange { RecordedRange(from: .distantPast, to: instant, includesEnd: true) }

    /// Everything recorded before `end`.
    static func before(_ end: Date) -> RecordedRange { RecordedRange(from: .distantPast, to: end, includesEnd: false) }

    /// `[from, to)`.
    static func between(_ from: Date, _ to: Date) -> RecordedRange { RecordedRange(from: from, to: to, includesEnd: false) }

    func contains(_ date: Date) -> Bool { date >= from && (includesEnd ? date <= to : date < to) }
}
