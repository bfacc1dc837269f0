import Foundation

/// One STUN or TURN server for the page's `RTCPeerConnection`, as the browser takes it.
public struct IceServer: Sendable, Equatable {
    public let url: String
    /// TURN only: the static credentials the TURN server was given.
    public let username: String?
    public let credential: String?

    public init(url: String, username: String?, credential: String?) {
        self.url = url
        self.username = username
        self.credential = credential
    }

    public static let maxServers = 8
    static let schemes = ["stun:", "stuns:", "turn:", "turns:"]

    /// The servers of `CARTLINE_ICE_SERVERS`, comma-separated URLs (`stun:stun.example.com:3478,
    /// turn:turn.example.com:3478?transport=udp`); TURN servers get the TURN credentials,
    /// which they need. Empty text: none.
    public static func list(_ text: String, turnUsername: String?, turnCredential: String?) throws(GatewaySettingsError) -> [IceServer] {
        let urls = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard urls.count <= maxServers else { throw .invalid("\(GatewaySettings.iceServersVariable) names more than \(maxServers) servers") }
        var servers: [IceServer] = []
        for url in urls {
            guard url.count <= 256, schemes.contains(where: { url.lowercased().hasPrefix($0) }), url.count > 6,
                  url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "'" }) else {
                throw .invalid("\(GatewaySettings.iceServersVariable) holds '\(url.prefix(80))', not a stun:, stuns:, turn: or turns: URL")
            }
            let isTURN = url.lowercased().hasPrefix("turn")
            if isTURN {
                guard let turnUsername, !turnUsername.isEmpty, let turnCredential, !turnCredential.isEmpty,
                      turnUsername.count <= 256, turnCredential.count <= 256 else {
                    throw .invalid("the TURN server \(url.prefix(80)) needs CARTLINE_TURN_USERNAME and CARTLINE_TURN_CREDENTIAL")
                }
            }
            servers.append(IceServer(url: url, username: isTURN ? turnUsername : nil, credential: isTURN ? turnCredential : nil))
        }
        return servers
    }
}
