import NIOCore

/// Everything the user agent knows about one outbound leg: its INVITE transaction, its dialog
/// once answered, and what the caller asked for. Confined to the user agent's event loop.
final class OutboundCallState {
    enum Phase: Equatable {
        /// INVITE sent, no provisional yet: a CANCEL must wait (RFC 3261 §9.1).
        case calling
        /// A provisional arrived.
        case proceeding
        /// CANCEL sent; waiting for the INVITE's final response.
        case cancelling
        case answered
        case byeSent
        case terminated
    }

    enum CancelCause { case ringTimeout, hangUp, shutdown }

    let callID: String
    let leg: SIPLeg
    let call: OutgoingCall
    let requestURI: SIPURI
    let from: SIPNameAddress
    var to: SIPNameAddress
    let firstHop: SocketAddress
    /// Route header values of the initial INVITE (the outbound proxy).
    let initialRoutes: [String]
    var cseq: UInt32 = 1
    var phase: Phase = .calling
    var invite: InviteClientTransaction?
    /// The challenged INVITE, kept to re-ACK a retransmitted 401/407.
    var previousInvite: InviteClientTransaction?
    var authenticationRetried = false
    var cancelCause: CancelCause?
    /// CANCEL was asked for before any provisional: sent when one arrives.
    var cancelPending = false
    var ringTimer: Scheduled<Void>?
    var cancelGuardTimer: Scheduled<Void>?
    var reportedProvisionals: [Int] = []
    var endedByRemote = false

    // Dialog state (RFC 3261 §12.1.2), set by the 2xx.
    var remoteTag: String?
    var remoteTarget: SIPURI?
    var routeSet: [SIPNameAddress] = []
    var ackForSuccess: (bytes: [UInt8], destination: SocketAddress)?

    /// Keys of every transaction of this leg, removed with it.
    var transactionKeys: [TransactionKey] = []

    /// Provisional events per leg are capped so the event buffer always has room for the terminal one.
    static let maxProvisionalEvents = 8

    init(callID: String, leg: SIPLeg, call: OutgoingCall, requestURI: SIPURI, from: SIPNameAddress, firstHop: SocketAddress, initialRoutes: [String]) {
        self.callID = callID
        self.leg = leg
        self.call = call
        self.requestURI = requestURI
        self.from = from
        self.to = SIPNameAddress(uri: requestURI)
        self.firstHop = firstHop
        self.initialRoutes = initialRoutes
    }

    var isLive: Bool { phase != .terminated }

    /// The failure a CANCEL we sent stands for.
    var cancelFailure: SIPCallFailure {
        SIPCallFailure(reason: cancelCause == .ringTimeout ? .noAnswer : .cancelled, status: nil)
    }
}
