import CartlineTestSupport
import Foundation
import Yams

/// `openapi.yaml`, read once, and the checks tests run against it: which routes exist, which
/// statuses each documents, and whether a JSON body fits the documented schema (the subset
/// of JSON Schema the document uses: type, properties, required, additionalProperties,
/// items, enum, minimum/maximum, $ref).
struct OpenAPIContract: Sendable {
    /// `GET /v1/carts/{cartId}` → documented status codes and their schema (nil: not JSON).
    let operations: [String: [String: Schema?]]
    let schemas: [String: Schema]
    let responses: [String: Schema?]

    indirect enum Schema: Sendable {
        case ref(String)
        case object(properties: [String: Schema], required: [String], closed: Bool)
        case array(Schema)
        case string(enumeration: [String]?)
        case integer(minimum: Int64?, maximum: Int64?)
        case boolean
        case any
    }

    static func load() throws -> OpenAPIContract {
        let url = TestDatabase.projectRoot.appendingPathComponent("openapi.yaml")
        guard let root = try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any],
              let paths = root["paths"] as? [String: Any], let components = root["components"] as? [String: Any] else {
            throw ContractError("openapi.yaml has no paths or components")
        }
        var schemas: [String: Schema] = [:]
        for (name, value) in components["schemas"] as? [String: Any] ?? [:] { schemas[name] = parse(value) }
        var responses: [String: Schema?] = [:]
        for (name, value) in components["responses"] as? [String: Any] ?? [:] { responses[name] = jsonSchema(of: value) }
        var operations: [String: [String: Schema?]] = [:]
        for (path, item) in paths {
            for (method, operation) in item as? [String: Any] ?? [:] {
                guard let operation = operation as? [String: Any] else { continue }
                var statuses: [String: Schema?] = [:]
                for (status, response) in operation["responses"] as? [String: Any] ?? [:] {
                    if let ref = (response as? [String: Any])?["$ref"] as? String {
                        statuses[status] = responses[String(ref.split(separator: "/").last ?? "")] ?? nil
                    } else {
                        statuses[status] = jsonSchema(of: response)
                    }
                }
                operations["\(method.uppercased()) \(path)"] = statuses
            }
        }
        return OpenAPIContract(operations: operations, schemas: schemas, responses: responses)
    }

    /// The documented template a concrete path matches, e.g. `/v1/carts/{cartId}`.
    func template(method: String, path: String) -> String? {
        let segments = path.split(separator: "?").first.map { $0.split(separator: "/", omittingEmptySubsequences: false) } ?? []
        return operations.keys.first { key in
            let parts = key.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0] == method else { return false }
            let template = parts[1].split(separator: "/", omittingEmptySubsequences: false)
            return template.count == segments.count && zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
    }

    /// Problems with a response against the document, empty when it conforms.
    func violations(method: String, path: String, status: Int, contentType: String?, body: Data) -> [String] {
        guard let key = template(method: method, path: path), let statuses = operations[key] else {
            // Unknown routes must still answer problems: 404/405 are generic.
            return [404, 405].contains(status) && contentType == "application/problem+json" ? [] : ["\(method) \(path) is not in openapi.yaml"]
        }
        guard let schema = statuses[String(status)] else { return ["\(key) does not document status \(status)"] }
        guard let schema else { return [] }
        guard let json = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            return ["\(key) \(status): body is not JSON"]
        }
        return validate(json, against: schema, at: "\(key) \(status) body")
    }

    func validate(_ value: Any, against schema: Schema, at location: String) -> [String] {
        switch schema {
        case .ref(let name):
            guard let target = schemas[name] else { return ["\(location): unknown schema \(name)"] }
            return validate(value, against: target, at: location)
        case .any:
            return []
        case .boolean:
            return (value as? NSNumber).map { CFGetTypeIDIsBool($0) } == true ? [] : ["\(location): expected a boolean"]
        case .string(let enumeration):
            guard let text = value as? String else { return ["\(location): expected a string"] }
            if let enumeration, !enumeration.contains(text) { return ["\(location): '\(text)' is not one of \(enumeration)"] }
            return []
        case .integer(let minimum, let maximum):
            guard let number = value as? NSNumber, !CFGetTypeIDIsBool(number), number.doubleValue == number.doubleValue.rounded() else {
                return ["\(location): expected an integer"]
            }
            if let minimum, number.int64Value < minimum { return ["\(location): \(number) < minimum \(minimum)"] }
            if let maximum, number.int64Value > maximum { return ["\(location): \(number) > maximum \(maximum)"] }
            return []
        case .array(let items):
            guard let array = value as? [Any] else { return ["\(location): expected an array"] }
            return array.enumerated().flatMap { validate($1, against: items, at: "\(location)[\($0)]") }
        case .object(let properties, let required, let closed):
            guard let object = value as? [String: Any] else { return ["\(location): expected an object"] }
            var problems = required.filter { object[$0] == nil }.map { "\(location): missing required '\($0)'" }
            for (key, child) in object {
                if let schema = properties[key] { problems += validate(child, against: schema, at: "\(location).\(key)") }
                else if closed { problems.append("\(location): undocumented property '\(key)'") }
            }
            return problems
        }
    }

    private static func jsonSchema(of response: Any) -> Schema? {
        guard let content = (response as? [String: Any])?["content"] as? [String: Any] else { return nil }
        guard let media = (content["application/json"] ?? content["application/problem+json"]) as? [String: Any] else { return nil }
        return media["schema"].map(parse)
    }

    private static func parse(_ value: Any) -> Schema {
        guard let node = value as? [String: Any] else { return .any }
        if let ref = node["$ref"] as? String { return .ref(String(ref.split(separator: "/").last ?? "")) }
        switch node["type"] as? String {
        case "object":
            var properties: [String: Schema] = [:]
            for (name, child) in node["properties"] as? [String: Any] ?? [:] { properties[name] = parse(child) }
            return .object(properties: properties, required: node["required"] as? [String] ?? [],
                           closed: (node["additionalProperties"] as? Bool) == false)
        case "array": return .array(node["items"].map(parse) ?? .any)
        case "string": return .string(enumeration: node["enum"] as? [String])
        case "integer": return .integer(minimum: (node["minimum"] as? Int).map(Int64.init), maximum: (node["maximum"] as? Int).map(Int64.init))
        case "boolean": return .boolean
        default: return .any
        }
    }
}

/// Foundation on Linux bridges JSON booleans to NSNumber; tell them from 0 and 1.
private func CFGetTypeIDIsBool(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) == "c" || type(of: number) == type(of: NSNumber(value: true))
}

struct ContractError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
