/// A daily window, in the shopper's local time, when no call is offered. `start` may be
/// after `end` (21:00–08:00 spans midnight).
public struct QuietHours: Equatable, Sendable, Codable {
    public let start: String
    public let end: String

    public init(start: String, end: String) throws(DomainError) {
        guard Self.minutes(start) != nil, Self.minutes(end) != nil else {
            throw .invalid("quiet hours are HH:MM in 24-hour time, such as 21:00")
        }
        self.start = start
        self.end = end
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let start = try container.decode(String.self, forKey: .start)
        let end = try container.decode(String.self, forKey: .end)
        do { try self.init(start: start, end: end) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Whether a local time, in minutes after midnight, falls inside the window.
    public func contains(minuteOfDay: Int) -> Bool {
        guard let from = Self.minutes(start), let to = Self.minutes(end), from != to else { return false }
        return from < to ? (from..<to).contains(minuteOfDay) : minuteOfDay >= from || minuteOfDay < to
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0..<24).contains(hours), (0..<60).contains(minutes) else { return nil }
        return hours * 60 + minutes
    }
}
