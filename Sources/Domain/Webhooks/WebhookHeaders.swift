import Foundation

/// A request's headers as the parsers read them: names lowercased, the first value of each.
public struct WebhookHeaders: Sendable, Equatable {
    /// Longest header value read; longer ones are treated as absent garbage (refused where needed).
    public static let maxValueLength = 512
    private let values: [String: String]

    public init(_ pairs: [(name: String, value: String)]) {
        var values: [String: String] = [:]
        for (name, value) in pairs where values[name.lowercased()] == nil { values[name.lowercased()] = value }
        self.values = values
    }

    /// The header's value, trimmed; nil when absent, empty or longer than `maxValueLength`.
    public subscript(_ name: String) -> String? {
        guard let value = values[name.lowercased()]?.trimmingCharacters(in: .whitespaces), !value.isEmpty,
              value.utf8.count <= Self.maxValueLength else { return nil }
        return value
    }
}
