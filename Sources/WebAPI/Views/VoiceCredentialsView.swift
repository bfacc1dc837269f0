import Engine
import Foundation

/// `POST /v1/calls/{callId}/voice`: what the shopper's page joins its browser call with.
struct VoiceCredentialsView: Encodable, Sendable {
    /// One STUN/TURN server, as `RTCPeerConnection` takes it.
    struct IceServer: Encodable, Sendable {
        let urls: [String]
        let username: String?
        let credential: String?
    }

    let websocketUrl: String
    let janusToken: String
    let sipUser: String
    let sipPassword: String
    let registrar: String
    let proof: String
    let expiresAt: Date
    /// `CARTLINE_ICE_SERVERS`, with TURN credentials where they apply; none by default.
    let iceServers: [IceServer]

    init(_ credentials: BrowserVoiceCredentials) {
        websocketUrl = credentials.websocketURL
        janusToken = credentials.janusToken
        sipUser = credentials.sipUser
        sipPassword = credentials.sipPassword
        registrar = credentials.registrar
        proof = credentials.proof
        expiresAt = credentials.expiresAt
        iceServers = credentials.iceServers.map { IceServer(urls: [$0.url], username: $0.username, credential: $0.credential) }
    }
}
