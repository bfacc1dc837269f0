/// Username and password for digest challenges (401/407).
public struct DigestCredentials: Sendable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}
