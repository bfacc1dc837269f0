import Foundation

/// Small decodable pieces the platform formats share.
enum WebhookJSON {
    /// Decodes `Value` from a platform body; any failure is a `malformed` error naming the field.
    static func decode<Value: Decodable>(_: Value.Type, from body: [UInt8], platform: String) throws(WebhookError) -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(body))
        } catch let error as DecodingError {
            throw .malformed("\(platform): \(describe(error))")
        } catch let error as WebhookError {
            throw error
        } catch {
            throw .malformed("\(platform): the body is not JSON")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the body" : "'" + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \(path(context.codingPath + [key]))"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) must not be null"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            if let underlying = context.underlyingError as? WebhookError { return underlying.description }
            return "\(path(context.codingPath)) is not valid: \(context.debugDescription.prefix(120))"
        @unknown default: return "the body does not match the documented shape"
        }
    }

    /// Checks an identifier's length and that it holds no control characters.
    static func identifier(_ text: String?, field: String) throws(WebhookError) -> String? {
        guard let text else { return nil }
        guard !text.isEmpty else { return nil }
        guard text.count <= WebhookLimits.maxIdentifierLength else {
            throw .malformed("\(field) is longer than \(WebhookLimits.maxIdentifierLength) characters")
        }
        guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { throw .malformed("\(field) holds control characters") }
        return text
    }

    /// A title cut to the limit, falling back when empty.
    static func title(_ text: String?, fallback: String) -> String {
        let cleaned = String((text ?? "").unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        let chosen = cleaned.isEmpty ? fallback : cleaned
        return String(chosen.prefix(WebhookLimits.maxTitleLength))
    }

    static func currency(_ code: String?, field: String) throws(WebhookError) -> Currency? {
        guard let code, !code.isEmpty else { return nil }
        do { return try Currency(code) } catch { throw .malformed("\(field): \(error.description)") }
    }

    static func quantity(_ value: Int, field: String) throws(WebhookError) -> Int {
        guard Quantity.range.contains(value) else {
            throw .malformed("\(field) must be \(Quantity.range.lowerBound)…\(Quantity.range.upperBound), not \(value)")
        }
        return value
    }
}

/// An id platforms send as a number or a string (`123`, `"123"`, `"gid://…"`).
struct FlexibleID: Decodable, Sendable {
    let text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) { text = String(number); return }
        if let string = try? container.decode(String.self) { text = string; return }
        throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "expected an id"))
    }
}

/// An amount platforms send as a decimal string (`"19.99"`) or a JSON number (`19.99`); the
/// number's text is kept exactly (Foundation's `Decimal` decodes it from its digits).
struct DecimalText: Decodable, Sendable {
    let text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) { text = string.trimmingCharacters(in: .whitespaces); return }
        if let number = try? container.decode(Decimal.self) { text = number.description; return }
        throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a decimal amount"))
    }
}

/// Decodes an array but refuses more than `WebhookLimits.maxLineItems` elements.
struct BoundedLines<Element: Decodable & Sendable>: Decodable, Sendable {
    let items: [Element]

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        if let count = container.count, count > WebhookLimits.maxLineItems {
            throw WebhookError.tooLarge("a notification holds at most \(WebhookLimits.maxLineItems) line items, not \(count)")
        }
        var items: [Element] = []
        while !container.isAtEnd {
            guard items.count < WebhookLimits.maxLineItems else {
                throw WebhookError.tooLarge("a notification holds at most \(WebhookLimits.maxLineItems) line items")
            }
            items.append(try container.decode(Element.self))
        }
        self.items = items
    }
}
