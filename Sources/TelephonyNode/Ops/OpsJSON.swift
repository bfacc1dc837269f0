import Foundation

/// The ops API's JSON: stable key order, one line, dates as ISO-8601 with milliseconds.
enum OpsJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(dateStyle))
        }
        return encoder
    }

    /// `2026-11-25T20:13:10.123Z`
    static let dateStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `value` as one line of JSON.
    static func data(_ value: some Encodable) throws -> Data { try encoder.encode(value) }
}
