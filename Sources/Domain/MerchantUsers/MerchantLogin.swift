import Foundation

/// A console user's login: an email address or a user name, compared without case.
public enum MerchantLogin {
    public static let maxCharacters = 100

    /// The canonical form of a typed login (trimmed, lower case), or why it cannot be one.
    public static func normalise(_ typed: String) throws(MerchantUserError) -> String {
        let login = typed.trimmingCharacters(in: .whitespaces).lowercased()
        guard (3...maxCharacters).contains(login.count) else { throw .invalidLogin("a login is an email or a user name of 3…\(maxCharacters) characters") }
        let allowed = login.unicodeScalars.allSatisfy { scalar in
            (scalar.value >= 0x61 && scalar.value <= 0x7A) || (scalar.value >= 0x30 && scalar.value <= 0x39) || "._@+-".unicodeScalars.contains(scalar)
        }
        guard allowed else { throw .invalidLogin("a login may hold letters a–z, digits and . _ @ + - only") }
        if login.contains("@") {
            let parts = login.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else {
                throw .invalidLogin("'\(login.prefix(40))' is not an email address")
            }
        }
        return login
    }
}
