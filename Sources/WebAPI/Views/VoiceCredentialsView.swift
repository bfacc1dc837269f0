import Engine
import Foundation

/// `POST /v1/calls/{callId}/voice`: what the shopper's page joins its browser call with.
struct VoiceCredentialsView: Encodable, Sendable {
    /// One STUN/TURN server, as `RTCPeerConnection` takes it.
    struct IceServer: Encodable, Sendable {
        let urls: [String]
    }

    let websocketUrl: String
    let janusToken: String
    let sipUser: String
    let sipPassword: String
    let registrar: String
    let proof: String
    let expiresAt: Date
    /// None yet: the gateway and the shopper share a network in every set-up so far.
    let iceServers: [IceServer]

    init(_ credentials: BrowserVoiceCredentials) {
        websocketUrl = credentials.websocketURL
        janusToken = credentials.janusToken
        sipUser = credentials.sipUser
        sipPassword = credentials.sipPassword
        registrar = credentials.registrar
        proof = credentials.proof
        expiresAt = credentials.expiresAt
        iceServers = []
    }
}
