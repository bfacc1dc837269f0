import Foundation

/// JSON text that Postgres will accept as `jsonb`: valid by construction, so one bad event
/// can never fail a whole group-committed batch at the database.
public struct JSONPayload: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// The empty object, the usual metadata.
    public static let emptyObject = JSONPayload(trusted: "{}")

    init(trusted text: String) { self.text = text }

    /// Encodes a value with the log's encoder (sorted keys, ISO-8601 dates).
    public init<Value: Encodable>(encoding value: Value) throws(EventLogError) {
        let data: Data
        do { data = try JSONPayload.encoder.encode(value) } catch {
            throw .invalidEventData(reason: "cannot encode \(Value.self): \(error)")
        }
        try self.init(validating: String(decoding: data, as: UTF8.self))
    }

    /// Checks text from elsewhere (a file, a test) before it reaches the log.
    public init(validating text: String) throws(EventLogError) {
        // jsonb refuses the NUL character even when escaped.
        if text.contains("\\u0000") { throw .invalidEventData(reason: "JSON text contains \\u0000, which jsonb cannot store") }
        guard (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil else {
            throw .invalidEventData(reason: "not valid JSON")
        }
        self.text = text
    }

    /// Decodes the payload with the log's decoder.
    public func decode<Value: Decodable>(as type: Value.Type) throws -> Value {
        try JSONPayload.decoder.decode(Value.self, from: Data(text.utf8))
    }

    public var description: String { text }

    /// Dates as ISO 8601 with milliseconds: whole seconds made a cart look idle up to a
    /// second early (seen in the engagement benchmark).
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Self.fractionalSeconds))
        }
        return encoder
    }

    /// Reads dates with or without fractional seconds (events written before either way).
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: Self.fractionalSeconds) { return date }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
        }
        return decoder
    }

    private static let fractionalSeconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
