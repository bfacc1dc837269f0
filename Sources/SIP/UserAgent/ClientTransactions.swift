import NIOCore

/// Identifies a client transaction: the branch of our Via plus the CSeq method, because a
/// CANCEL shares its INVITE's branch (RFC 3261 §17.1.3).
struct TransactionKey: Hashable {
    var branch: String
    var method: String
}

/// An INVITE client transaction over UDP (RFC 3261 §17.1.1): timers A and B, the hop-by-hop
/// ACK for a non-2xx final response kept for retransmissions of that response.
final class InviteClientTransaction {
    enum State { case calling, proceeding, completed, terminated }

    let branch: String
    let request: SIPMessage
    let bytes: [UInt8]
    let destination: SocketAddress
    var state: State = .calling
    var timerA: Scheduled<Void>?
    var timerB: Scheduled<Void>?
    var retransmitInterval: TimeAmount
    /// The ACK sent for a 3xx–6xx, resent when that response is retransmitted.
    var nonSuccessACK: [UInt8]?

    init(branch: String, request: SIPMessage, bytes: [UInt8], destination: SocketAddress, t1: TimeAmount) {
        self.branch = branch
        self.request = request
        self.bytes = bytes
        self.destination = destination
        self.retransmitInterval = t1
    }

    func stopTimers() {
        timerA?.cancel()
        timerB?.cancel()
        timerA = nil
        timerB = nil
    }
}

/// A non-INVITE client transaction over UDP (RFC 3261 §17.1.2): timer E from T1 doubling to T2,
/// timer F at 64·T1. Used for BYE and CANCEL.
final class NonInviteClientTransaction {
    let key: TransactionKey
    let callID: String
    let bytes: [UInt8]
    let destination: SocketAddress
    var timerE: Scheduled<Void>?
    var timerF: Scheduled<Void>?
    var retransmitInterval: TimeAmount
    var proceeding = false

    init(key: TransactionKey, callID: String, bytes: [UInt8], destination: SocketAddress, t1: TimeAmount) {
        self.key = key
        self.callID = callID
        self.bytes = bytes
        self.destination = destination
        self.retransmitInterval = t1
    }

    func stopTimers() {
        timerE?.cancel()
        timerF?.cancel()
        timerE = nil
        timerF = nil
    }
}
