/// One header field as it appears on the wire (after unfolding and list splitting).
public struct SIPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Ordered header fields with case-insensitive lookup; compact names resolve to long ones.
public struct SIPHeaders: Sendable, Equatable, Sequence {
    public private(set) var entries: [SIPHeader] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        for (name, value) in pairs { add(name, value) }
    }

    public var count: Int { entries.count }

    public func makeIterator() -> IndexingIterator<[SIPHeader]> { entries.makeIterator() }

    /// Appends a header, storing its canonical long name.
    public mutating func add(_ name: String, _ value: String) {
        entries.append(SIPHeader(name: SIPHeaderName.canonical(name), value: value))
    }

    /// The first value of `name` (any case, compact or long form).
    public func first(_ name: String) -> String? {
        let wanted = SIPHeaderName.canonical(name)
        for entry in entries where ASCII.caseInsensitiveEquals(entry.name, wanted) { return entry.value }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        let wanted = SIPHeaderName.canonical(name)
        return entries.lazy.filter { ASCII.caseInsensitiveEquals($0.name, wanted) }.map(\.value)
    }

    /// Whether at least one `name` header is present.
    public func contains(_ name: String) -> Bool { first(name) != nil }

    /// Removes every `name` header.
    public mutating func remove(_ name: String) {
        let wanted = SIPHeaderName.canonical(name)
        entries.removeAll { ASCII.caseInsensitiveEquals($0.name, wanted) }
    }

    /// Replaces every `name` header with one holding `value`, at the first one's place.
    public mutating func set(_ name: String, _ value: String) {
        let wanted = SIPHeaderName.canonical(name)
        if let index = entries.firstIndex(where: { ASCII.caseInsensitiveEquals($0.name, wanted) }) {
            entries[index].value = value
            var seen = false
            entries.removeAll { entry in
                guard ASCII.caseInsensitiveEquals(entry.name, wanted) else { return false }
                defer { seen = true }
                return seen
            }
        } else {
            add(wanted, value)
        }
    }
}
