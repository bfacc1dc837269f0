import Engine
import Foundation

/// Everything the web layer needs from the environment. No secret has a default: a
/// server without its keys does not start.
public struct WebConfiguration: Sendable {
    /// Largest request body accepted; larger ones get 413.
    public var maxBodyBytes = 64 * 1024
    /// Signs `cartline_session`.
    public var sessionKey: SecretKey
    /// Encrypts `cartline_prefs`; rotatable.
    public var preferenceKeys: KeyRing
    /// Bearer token of `/v1/admin/…`.
    public var adminToken: String
    /// Marks cookies `Secure` even without `X-Forwarded-Proto: https` (TLS ends before us).
    public var secureCookies = false
    /// Where `index.html`, `storefront.js` and `storefront.css` are.
    public var publicDirectory: URL
    /// The browser gateway (`CARTLINE_JANUS_WS_URL`, `CARTLINE_GATEWAY_REGISTRAR`,
    /// `CARTLINE_GATEWAY_SECRET`, `CARTLINE_JANUS_TOKEN_SECRET`); nil: no `browser` mode.
    public var gateway: GatewaySettings?

    public init(sessionKey: SecretKey, preferenceKeys: KeyRing, adminToken: String, publicDirectory: URL) {
        self.sessionKey = sessionKey
        self.preferenceKeys = preferenceKeys
        self.adminToken = adminToken
        self.publicDirectory = publicDirectory
    }

    /// A required 32-byte base64 key from the environment, or the error naming it.
    public static func secretKey(_ name: String, in environment: [String: String]) throws(ConfigurationError) -> SecretKey {
        guard let value = environment[name], !value.isEmpty else { throw .missing(name) }
        return try SecretKey(base64: value, name: name)
    }

    /// Reads `CARTLINE_SESSION_KEY`, `CARTLINE_PREFS_KEYS`, `CARTLINE_ADMIN_TOKEN`,
    /// `CARTLINE_SECURE_COOKIES`, `CARTLINE_PUBLIC_DIR` and the gateway's variables.
    public static func fromEnvironment(_ environment: [String: String], defaultPublicDirectory: URL) throws(ConfigurationError) -> WebConfiguration {
        func required(_ name: String) throws(ConfigurationError) -> String {
            guard let value = environment[name], !value.isEmpty else { throw .missing(name) }
            return value
        }
        let sessionKey = try secretKey("CARTLINE_SESSION_KEY", in: environment)
        let preferenceKeys = try KeyRing(parsing: try required("CARTLINE_PREFS_KEYS"))
        let adminToken = try required("CARTLINE_ADMIN_TOKEN")
        guard adminToken.count >= 16 else { throw .invalid("CARTLINE_ADMIN_TOKEN must be at least 16 characters") }
        let publicDirectory = environment["CARTLINE_PUBLIC_DIR"].map { URL(fileURLWithPath: $0) } ?? defaultPublicDirectory
        var configuration = WebConfiguration(sessionKey: sessionKey, preferenceKeys: preferenceKeys, adminToken: adminToken,
                                             publicDirectory: publicDirectory)
        configuration.secureCookies = ["1", "true", "yes"].contains(environment["CARTLINE_SECURE_COOKIES"]?.lowercased() ?? "")
        do { configuration.gateway = try GatewaySettings.fromEnvironment(environment) } catch { throw .invalid(error.description) }
        return configuration
    }
}
