import Foundation

/// The browser gateway as Cartline's web edge sees it (Tools/janus/README.md): where pages
/// reach Janus, the registrar their Janus handle registers with, and the two secrets Cartline
/// mints per-call credentials with. Read from the variables `Tools/janus/run start` prints;
/// without them browser mode is unavailable (offers in that mode are refused, with a reason).
public struct GatewaySettings: Sendable, Equatable {
    /// `ws://` or `wss://` URL of Janus's WebSocket API, handed to the page.
    public var websocketURL: String
    /// `host:port` of the gateway registrar (UDP SIP), where the page registers.
    public var registrar: String
    /// Shared with the registrar: derives each call user's password and INVITE proof.
    public var gatewaySecret: String
    /// Shared with Janus: signs the page's Janus token.
    public var janusTokenSecret: String
    /// STUN/TURN servers the page's `RTCPeerConnection` uses (`CARTLINE_ICE_SERVERS`): none
    /// when page and gateway share a network, as on one machine; a shop whose shoppers sit
    /// behind NAT names its own (Janus needs its own `nat` settings then too).
    public var iceServers: [IceServer] = []
    /// How long the page's Janus token is good for: Janus checks it on every request, so it
    /// covers the longest call (2 h) and the join before it.
    public var janusTokenLifetimeSeconds: Int64 = 2 * 3_600 + 600

    /// Names of the variables, as `Tools/janus/run start` prints them.
    public static let websocketURLVariable = "CARTLINE_JANUS_WS_URL"
    public static let registrarVariable = "CARTLINE_GATEWAY_REGISTRAR"
    public static let gatewaySecretVariable = "CARTLINE_GATEWAY_SECRET"
    public static let janusTokenSecretVariable = "CARTLINE_JANUS_TOKEN_SECRET"

    public static let iceServersVariable = "CARTLINE_ICE_SERVERS"
    public static let turnUsernameVariable = "CARTLINE_TURN_USERNAME"
    public static let turnCredentialVariable = "CARTLINE_TURN_CREDENTIAL"

    /// Secrets are at least this long (`run` generates 48 hex digits) and at most 256 bytes.
    public static let secretCharacters = 16...256

    public init(websocketURL: String, registrar: String, gatewaySecret: String, janusTokenSecret: String) throws(GatewaySettingsError) {
        guard websocketURL.count <= 512, websocketURL.hasPrefix("ws://") || websocketURL.hasPrefix("wss://"),
              websocketURL.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .invalid("\(Self.websocketURLVariable) must be a ws:// or wss:// URL, not '\(websocketURL.prefix(80))'")
        }
        let parts = registrar.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 253,
              parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }),
              let port = Int(parts[1]), (1...65_535).contains(port) else {
            throw .invalid("\(Self.registrarVariable) must be host:port, not '\(registrar.prefix(80))'")
        }
        for (name, secret) in [(Self.gatewaySecretVariable, gatewaySecret), (Self.janusTokenSecretVariable, janusTokenSecret)] {
            guard Self.secretCharacters.contains(secret.utf8.count) else {
                throw .invalid("\(name) must be \(Self.secretCharacters.lowerBound)-\(Self.secretCharacters.upperBound) characters long")
            }
        }
        self.websocketURL = websocketURL
        self.registrar = registrar
        self.gatewaySecret = gatewaySecret
        self.janusTokenSecret = janusTokenSecret
    }

    /// The settings from the environment: nil when none of the four variables is set (no
    /// gateway), an error naming what is missing when only some are.
    public static func fromEnvironment(_ environment: [String: String]) throws(GatewaySettingsError) -> GatewaySettings? {
        let names = [websocketURLVariable, registrarVariable, gatewaySecretVariable, janusTokenSecretVariable]
        let given = names.filter { !(environment[$0] ?? "").isEmpty }
        if given.isEmpty { return nil }
        let missing = names.filter { !given.contains($0) }
        guard missing.isEmpty else {
            throw .invalid("the browser gateway needs \(missing.joined(separator: ", ")) too (set all of \(names.joined(separator: ", ")) or none)")
        }
        var settings = try GatewaySettings(websocketURL: environment[websocketURLVariable] ?? "", registrar: environment[registrarVariable] ?? "",
                                           gatewaySecret: environment[gatewaySecretVariable] ?? "",
                                           janusTokenSecret: environment[janusTokenSecretVariable] ?? "")
        settings.iceServers = try IceServer.list(environment[iceServersVariable] ?? "", turnUsername: environment[turnUsernameVariable],
                                                 turnCredential: environment[turnCredentialVariable])
        return settings
    }
}

/// A gateway setting that cannot be used.
public enum GatewaySettingsError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let why): why
        }
    }
}
