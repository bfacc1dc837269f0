import Foundation
import Hummingbird

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

    static func decode<Value: Decodable>(_: Value.Type, from data: Data, allowedFields: Set<String>) throws(Problem) -> Value {
        if data.isEmpty { throw .badRequest("a JSON body is required") }
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw .badRequest("the body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else { throw .invalid("the body must be a JSON object") }
        if let unknown = object.keys.sorted().first(where: { !allowedFields.contains($0) }) {
            throw .invalid("unknown field '\(unknown)'; allowed: \(allowedFields.sorted().joined(separator: ", "))")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch let error as DecodingError {
            throw .invalid(describe(error))
        } catch {
            throw .invalid("the body does not match the expected shape")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = (codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the body" : "'" + keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \(path(context.codingPath, key))"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) must not be null"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) must be \(describe(type))"
        case .dataCorrupted(let context):
            // Foundation reports a number too large for its field as corrupt data at the root.
            if context.codingPath.isEmpty { return "the body holds a value out of range (integers must fit in 64 bits)" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "the body does not match the expected shape"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: "of another type (\(type))"
        }
    }
}
