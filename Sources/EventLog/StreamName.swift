/// The identity of one stream in the log, e.g. `cart-6f1c…`. Validated once, at the edge.
public struct StreamName: Hashable, Sendable, CustomStringConvertible {
    /// Longest accepted name, in UTF-8 bytes; stream names are ids, not text.
    public static let maxBytes = 200

    public let rawValue: String

    /// Accepts 1…200 bytes with no whitespace or control characters.
    public init(_ rawValue: String) throws(EventLogError) {
        if rawValue.isEmpty { throw .invalidStreamName(rawValue, reason: "a stream name must not be empty") }
        if rawValue.utf8.count > Self.maxBytes {
            throw .invalidStreamName(String(rawValue.prefix(40)) + "…", reason: "longer than \(Self.maxBytes) bytes")
        }
        // ASCII by range (space, controls, DEL); the Unicode property table only beyond it.
        if rawValue.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || ($0.value >= 0x80 && $0.properties.isWhitespace) }) {
            throw .invalidStreamName(rawValue, reason: "whitespace and control characters are not allowed")
        }
        self.rawValue = rawValue
    }

    /// `category-id`, the convention every Cartline stream follows.
    public init(category: String, id: String) throws(EventLogError) {
        try self.init("\(category)-\(id)")
    }

    /// The part before the first `-`: `cart` for `cart-42`.
    public var category: Substring { rawValue.prefix { $0 != "-" } }

    public var description: String { rawValue }
}
