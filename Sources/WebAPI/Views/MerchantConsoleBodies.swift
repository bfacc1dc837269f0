/// `POST /v1/merchant/sign-in`.
struct MerchantSignInBody: Decodable, Sendable {
    static let fields: Set<String> = ["merchantId", "login", "password"]
    /// Small: three short strings.
    static let maxBytes = 4 * 1_024
    let merchantId: String
    let login: String
    let password: String
}

/// `POST /v1/merchant/password`: an invitation code and the password chosen with it.
struct MerchantPasswordBody: Decodable, Sendable {
    static let fields: Set<String> = ["merchantId", "login", "code", "password"]
    static let maxBytes = 4 * 1_024
    let merchantId: String
    let login: String
    let code: String
    let password: String
}

/// `POST /v1/merchant/users` and `POST /v1/admin/merchants/{merchantId}/users`.
struct MerchantInviteBody: Decodable, Sendable {
    static let fields: Set<String> = ["login", "role"]
    static let maxBytes = 4 * 1_024
    let login: String
    /// `owner` or `member`; absent: `member` from the console, `owner` from the admin API.
    let role: String?
}
