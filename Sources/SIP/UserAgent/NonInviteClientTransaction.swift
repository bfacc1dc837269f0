import NIOCore

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
