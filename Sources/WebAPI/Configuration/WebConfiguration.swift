import Engine
import Foundation

/// Everything the web layer needs from the environment. No secret has a default: a
/// server without its keys does not start.
public struct WebConfiguration: Sendable {
    /// Largest request body accepted; larger ones get 413.
    public var maxBodyBytes = 64 * 1024
    /// Signs `cartline_session`.
    public var sessionKey: SecretKey
    /// Keys that signed sessions before the current one (`CARTLINE_SESSION_KEYS_PREVIOUS`):
    /// they still verify a shopper's session, which is then signed again with the current key.
    public var previousSessionKeys: [SecretKey] = []
    /// Encrypts `cartline_prefs`; rotatable.
    public var preferenceKeys: KeyRing
    /// Bearer token of `/v1/admin/…`.
    public var adminToken: String
    /// Bearer token of `/metrics` (`CARTLINE_METRICS_TOKEN`); nil: `/metrics` answers 404.
    /// Its own token, so a scraper holds no admin rights and the figures are not public.
    public var metricsToken: String?
    /// Marks cookies `Secure` even without `X-Forwarded-Proto: https` (TLS ends before us).
    public var secureCookies = false
    /// Where `index.html`, `storefront.js` and `storefront.css` are.
    public var publicDirectory: URL
    /// The browser gateway (`CARTLINE_JANUS_WS_URL`, `CARTLINE_GATEWAY_REGISTRAR`,
    /// `CARTLINE_GATEWAY_SECRET`, `CARTLINE_JANUS_TOKEN_SECRET`); nil: no `browser` mode.
    public var gateway: GatewaySettings?
    /// Offer streams open at once on this process, per shopper and in all
    /// (`CARTLINE_SSE_MAX_PER_SHOPPER`, `CARTLINE_SSE_MAX_STREAMS`).
    public var streamLimits = OfferHub.Limits()
    /// A connection with no request under way is closed after this long
    /// (`CARTLINE_HTTP_IDLE_TIMEOUT_SECONDS`); a streaming answer is not idle.
    public var idleTimeoutSeconds = 60
    /// A request's head and body must all arrive within this long of its first byte, or the
    /// connection is closed (`CARTLINE_HTTP_REQUEST_READ_TIMEOUT_SECONDS`): a client trickling
    /// bytes is never idle.
    public var requestReadTimeoutSeconds = 30

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

    /// Reads `CARTLINE_SESSION_KEY`, `CARTLINE_PREFS_KEYS`, `CARTLINE_ADMIN_TOKEN`, `CARTLINE_METRICS_TOKEN`,
    /// `CARTLINE_SECURE_COOKIES`, `CARTLINE_PUBLIC_DIR` and the gateway's variables.
    public static func fromEnvironment(_ environment: [String: String], defaultPublicDirectory: URL) throws(ConfigurationError) -> WebConfiguration {
        func required(_ name: String) throws(ConfigurationError) -> String {
            guard let value = environment[name], !value.isEmpty else { throw .missing(name) }
            return value
        }
        let sessionKey = try secretKey("CARTLINE_SESSION_KEY", in: environment)
        var previousSessionKeys: [SecretKey] = []
        for (index, text) in (environment["CARTLINE_SESSION_KEYS_PREVIOUS"] ?? "").split(separator: ",").enumerated() {
            guard index < 4 else { throw .invalid("CARTLINE_SESSION_KEYS_PREVIOUS holds at most 4 keys") }
            previousSessionKeys.append(try SecretKey(base64: text.trimmingCharacters(in: .whitespaces), name: "CARTLINE_SESSION_KEYS_PREVIOUS entry \(index + 1)"))
        }
        let preferenceKeys = try KeyRing(parsing: try required("CARTLINE_PREFS_KEYS"))
        let adminToken = try required("CARTLINE_ADMIN_TOKEN")
        guard adminToken.count >= 16 else { throw .invalid("CARTLINE_ADMIN_TOKEN must be at least 16 characters") }
        let publicDirectory = environment["CARTLINE_PUBLIC_DIR"].map { URL(fileURLWithPath: $0) } ?? defaultPublicDirectory
        var configuration = WebConfiguration(sessionKey: sessionKey, preferenceKeys: preferenceKeys, adminToken: adminToken,
                                             publicDirectory: publicDirectory)
        if let metricsToken = environment["CARTLINE_METRICS_TOKEN"], !metricsToken.isEmpty {
            guard metricsToken.count >= 16 else { throw .invalid("CARTLINE_METRICS_TOKEN must be at least 16 characters") }
            configuration.metricsToken = metricsToken
        }
        configuration.previousSessionKeys = previousSessionKeys
        configuration.secureCookies = ["1", "true", "yes"].contains(environment["CARTLINE_SECURE_COOKIES"]?.lowercased() ?? "")
        do { configuration.gateway = try GatewaySettings.fromEnvironment(environment) } catch { throw .invalid(error.description) }
        func number(_ name: String, _ range: ClosedRange<Int>, default value: Int) throws(ConfigurationError) -> Int {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                throw .invalid("\(name) must be a whole number \(range.lowerBound)…\(range.upperBound), not '\(text.prefix(20))'")
            }
            return parsed
        }
        configuration.streamLimits = OfferHub.Limits(perShopper: try number("CARTLINE_SSE_MAX_PER_SHOPPER", 1...100, default: 8),
                                                     total: try number("CARTLINE_SSE_MAX_STREAMS", 1...1_000_000, default: 10_000))
        configuration.idleTimeoutSeconds = try number("CARTLINE_HTTP_IDLE_TIMEOUT_SECONDS", 1...3_600, default: 60)
        configuration.requestReadTimeoutSeconds = try number("CARTLINE_HTTP_REQUEST_READ_TIMEOUT_SECONDS", 1...600, default: 30)
        return configuration
    }
}
