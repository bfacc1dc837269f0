import Foundation

/// The one way finance prints instants: ISO 8601 in UTC with milliseconds, so output is
/// byte-identical across runs and machines.
enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let dayStyle = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()

    /// `2026-11-25T10:00:00.123Z`.
    static func text(_ date: Date) -> String { date.formatted(style) }

    /// `2026-11-25`: the UTC day, for grouping.
    static func day(_ date: Date) -> String { date.formatted(dayStyle) }
}
