import Foundation

/// Decodes stored event bodies the way the log wrote them: ISO 8601 dates, with or without
/// fractional seconds (as `JSONPayload`'s decoder reads them).
struct LogDecoder {
    private let decoder: JSONDecoder

    init() {
        let decoder = JSONDecoder()
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: fractional) { return date }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
        }
        self.decoder = decoder
    }

    func decode<Value: Decodable>(_ type: Value.Type, from event: StoredEvent) throws -> Value {
        try decoder.decode(Value.self, from: Data(event.data.utf8))
    }
}
