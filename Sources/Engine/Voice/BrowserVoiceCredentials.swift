import Crypto
import Domain
import Foundation

/// What the shopper's page needs to join one browser-mode call through the gateway, minted
/// for that call only (Tools/janus/README.md, "One browser-mode call"):
/// - `sipPassword = hex(SHA-256(gatewaySecret ":" sipUser))` opens only this call's user;
/// - `proof = hex(SHA-256(gatewaySecret ":invite:" sipUser))` is what the registrar adds to
///   the node's INVITE (`X-Cartline-Proof`), so the page accepts only that INVITE;
/// - `janusToken = data ":" base64(HMAC-SHA1(janusTokenSecret, data))` with
///   `data = "<expiry>,janus,janus.plugin.sip"`, which Janus checks on every request.
public struct BrowserVoiceCredentials: Sendable, Equatable {
    public let websocketURL: String
    public let janusToken: String
    /// `<call id hex>.<join expiry>`: the node INVITEs `sip:<sipUser>@<registrar>`.
    public let sipUser: String
    public let sipPassword: String
    /// `host:port` of the gateway registrar.
    public let registrar: String
    public let proof: String
    /// The last moment the page may first register (the expiry in `sipUser`).
    public let expiresAt: Date
    /// STUN/TURN servers for the page's peer connection (none on a local gateway).
    public let iceServers: [IceServer]

    /// Mints the credentials of `sipUser` (the call's, `BrowserLeg.sipUser`) at `now`.
    public init(sipUser: String, joinExpiresAtUnixSeconds: Int64, settings: GatewaySettings, now: Date) {
        self.websocketURL = settings.websocketURL
        self.registrar = settings.registrar
        self.sipUser = sipUser
        self.sipPassword = Self.sha256Hex(settings.gatewaySecret + ":" + sipUser)
        self.proof = Self.sha256Hex(settings.gatewaySecret + ":invite:" + sipUser)
        self.expiresAt = Date(timeIntervalSince1970: Double(joinExpiresAtUnixSeconds))
        self.iceServers = settings.iceServers
        let tokenExpiry = Int64(now.timeIntervalSince1970.rounded(.down)) + settings.janusTokenLifetimeSeconds
        self.janusToken = Self.janusToken(expiresAtUnixSeconds: tokenExpiry, secret: settings.janusTokenSecret)
    }

    /// A Janus token for the SIP plugin, valid until `expiresAtUnixSeconds`.
    public static func janusToken(expiresAtUnixSeconds: Int64, secret: String) -> String {
        let data = "\(expiresAtUnixSeconds),janus,janus.plugin.sip"
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(data.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return data + ":" + Data(mac).base64EncodedString()
    }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
