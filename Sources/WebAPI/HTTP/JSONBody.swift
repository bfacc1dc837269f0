import Foundation
import Hummingbird
import NIOFoundationEssentialsCompat

/// Reads a JSON request body strictly: bounded size, syntax (400), then shape (422) —
/// unknown fields, missing fields, wrong types and out-of-range numbers each get a
/// message naming the field.
enum JSONBody {
    static func decode<Value: Decodable>(_: Value.Type, from request: Request, limit: Int, allowedFields: Set<String>) async throws -> Value {
        let data = try await bytes(of: request, limit: limit)
        return try decode(Value.self, from: data, allowedFields: allowedFields)
    }

    static func bytes(of request: Request, limit: Int) async throws -> Data {
        let buffer = try await request.body.collect(upTo: limit)
        return Data(buffer: buffer)
    }

    /// One parse on the way that succeeds: `JSONDecoder` reads the body into `Value` and the
    /// field check happens inside that same decode (`StrictBody`). Only a body that fails is
    /// parsed again (`checkedDecode`), to say precisely what is wrong.
    static func decode<Value: Decodable>(_: Value.Type, from data: Data, allowedFields: Set<String>) throws(Problem) -> Value {
        if data.isEmpty { throw .badRequest("the request needs a JSON object as its body") }
        guard let key = StrictBody<Value>.allowedFieldsKey else { return try checkedDecode(Value.self, from: data, allowedFields: allowedFields) }
        let decoder = JSONDecoder()
        decoder.userInfo[key] = allowedFields
        do {
            return try decoder.decode(StrictBody<Value>.self, from: data).value
        } catch {
            return try checkedDecode(Value.self, from: data, allowedFields: allowedFields)
        }
    }

    /// Step by step, with a problem naming what is wrong: not JSON (400), not an object, an
    /// unknown field, a missing, mistyped or unfit field (422).
    private static func checkedDecode<Value: Decodable>(_: Value.Type, from data: Data, allowedFields: Set<String>) throws(Problem) -> Value {
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw .badRequest("the body is not valid JSON; check its quotes, commas and brackets")
        }
        guard let object = parsed as? [String: Any] else { throw .invalid("the body must be a JSON object, such as {\"name\": \"value\"}") }
        if let unknown = object.keys.sorted().first(where: { !allowedFields.contains($0) }) {
            let fields = allowedFields.isEmpty ? "this request takes none" : "the fields are " + allowedFields.sorted().joined(separator: ", ")
            throw .invalid("unknown field '\(unknown.prefix(64))'; remove it (\(fields))")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch let error as DecodingError {
            throw .invalid(describe(error, body: object))
        } catch {
            throw .invalid("the body does not match the expected shape")
        }
    }

    static func describe(_ error: DecodingError, body: [String: Any] = [:]) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the body" : "'" + keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \(path(context.codingPath, key)); add it to the body"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(describe(type)), not null"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) must be \(describe(type))"
        case .dataCorrupted(let context):
            // Foundation reports a number that does not fit its field (1.5 or 10^30 for a
            // count) as corrupt data at the root, without naming the field.
            if context.codingPath.isEmpty {
                guard let field = unfitNumber(in: body) else { return "the body does not match the expected shape" }
                return "'\(field)' must be a whole number such as 2, and less than 19 digits long"
            }
            return "\(path(context.codingPath)) is not valid: \(context.debugDescription)"
        @unknown default: return "the body does not match the expected shape"
        }
    }

    /// Where the first number stands that a whole-number field cannot hold (a fraction, or
    /// beyond 64 bits), as `items[0].quantity`; nil if there is none. Bounded by the body's size.
    static func unfitNumber(in value: Any, at path: String = "") -> String? {
        switch value {
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = unfitNumber(in: object[key] as Any, at: path.isEmpty ? key : path + "." + key) { return found }
            }
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = unfitNumber(in: element, at: path + "[\(index)]") { return found }
            }
        case is Bool, is String:
            return nil
        case let number as NSNumber:
            let double = number.doubleValue
            if double != double.rounded() || abs(double) >= 9.2e18 { return path }
        default:
            return nil
        }
        return nil
    }

    /// A JSON type in plain words.
    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text in quotes"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is Double.Type, is Float.Type: "a number"
        case is [Any].Type: "a list in [ ]"
        case is [String: Any].Type: "an object in { }"
        default: "a value of another kind"
        }
    }
}
