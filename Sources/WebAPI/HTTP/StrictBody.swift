/// A request body decoded strictly in one pass: its keys are checked against the fields the
/// route takes (given in the decoder's `userInfo`) before `Value` decodes itself from the
/// same parse — an unknown field is refused, never silently ignored.
struct StrictBody<Value: Decodable>: Decodable {
    static var allowedFieldsKey: CodingUserInfoKey? { CodingUserInfoKey(rawValue: "cartline.allowedFields") }

    /// A key the route does not take (or no list of the keys it takes).
    struct UnknownField: Error {
        let name: String
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    let value: Value

    init(from decoder: any Decoder) throws {
        guard let key = Self.allowedFieldsKey, let allowed = decoder.userInfo[key] as? Set<String> else { throw UnknownField(name: "") }
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = keys.sorted().first(where: { !allowed.contains($0) }) { throw UnknownField(name: unknown) }
        value = try Value(from: decoder)
    }
}
