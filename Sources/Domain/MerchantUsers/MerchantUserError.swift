import Foundation

/// Why an invitation, a sign-in or a session was refused, in words the user reads.
public enum MerchantUserError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidLogin(String)
    case weakPassword(String)
    case unknownUser(String)
    case tooManyUsers(Int)
    case wrongCredentials
    case wrongCode
    case codeExpired
    case codeUsed
    case lockedOut(until: Date)
    case revoked
    case signedOut
    case notOwner
    case busy

    public var description: String {
        switch self {
        case .invalidLogin(let reason): reason
        case .weakPassword(let reason): reason
        case .unknownUser: "your shop has no user by that login"
        case .tooManyUsers(let max): "a merchant has at most \(max) console users; revoke one first"
        case .wrongCredentials: "the login or the password is wrong"
        case .wrongCode: "that invitation code is wrong; check it, or ask for a new invitation"
        case .codeExpired: "that invitation code has expired; ask for a new invitation"
        case .codeUsed: "that invitation code was already used; sign in with your password, or ask for a new invitation"
        case .lockedOut(let until): "too many failed attempts: signing in is locked until \(until.formatted(.iso8601)); try again then"
        case .revoked: "your access was revoked; ask an owner of your shop for a new invitation"
        case .signedOut: "you signed out; sign in again"
        case .notOwner: "only an owner of the shop may invite or revoke users"
        case .busy: "too many sign-ins at once just now; try again in a moment"
        }
    }
}
