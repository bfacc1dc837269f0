/// Why a URI, name-addr, Via or CSeq value does not parse.
public enum SIPSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURI(String, reason: String)
    case invalidNameAddress(String, reason: String)
    case invalidVia(String, reason: String)
    case invalidCSeq(String)

    public var description: String {
        switch self {
        case .invalidURI(let value, let reason): "invalid SIP URI (\(reason)): \(value.prefix(80))"
        case .invalidNameAddress(let value, let reason): "invalid name-addr (\(reason)): \(value.prefix(80))"
        case .invalidVia(let value, let reason): "invalid Via (\(reason)): \(value.prefix(80))"
        case .invalidCSeq(let value): "invalid CSeq: \(value.prefix(40))"
        }
    }
}
