/// Why a command was refused. `invalid`: the input itself is wrong (a 422 at the edge);
/// `rejected`: the input is fine but the current state forbids it (a 409); `notFound`.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)
    case rejected(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .invalid(let reason), .rejected(let reason), .notFound(let reason): reason
        }
    }
}
