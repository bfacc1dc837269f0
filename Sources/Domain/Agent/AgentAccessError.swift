/// Why a sign-in or a session was refused, in words the agent reads on the console.
public enum AgentAccessError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownMerchant(String)
    case unknownAgent(merchantId: String, agentName: String)
    case wrongCode
    case codeExpired
    case codeUsed
    case tooManyAttempts
    case revoked
    case signedOut

    public var description: String {
        switch self {
        case .unknownMerchant(let id): "there is no merchant '\(id)'"
        case .unknownAgent(let merchantId, let name): "merchant '\(merchantId)' has no agent named '\(name)'"
        case .wrongCode: "that sign-in code is wrong; check it, or ask your administrator for a new one"
        case .codeExpired: "that sign-in code has expired; ask your administrator for a new one"
        case .codeUsed: "that sign-in code was already used; ask your administrator for a new one"
        case .tooManyAttempts: "too many wrong codes: the open codes are void; ask your administrator for a new one"
        case .revoked: "your sign-in was revoked; ask your administrator for a new code"
        case .signedOut: "you signed out; sign in again"
        }
    }
}
