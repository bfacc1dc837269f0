import NIOCore

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
