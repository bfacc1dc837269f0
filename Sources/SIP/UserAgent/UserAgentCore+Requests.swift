import Logging
import NIOCore

extension UserAgentCore {
    /// Answers requests from the far end. Only BYE in a live dialog changes anything; a request
    /// whose Call-ID and tags match no dialog gets 481 (RFC 3261 §12.2.2) and is otherwise ignored.
    func handleRequest(_ request: SIPMessage, method: String, from source: SocketAddress) {
        if method == "ACK" { return }  // We run no server INVITE transactions: nothing to acknowledge.
        guard let state = request.callID.flatMap({ calls[$0] }), matchesDialog(request, state) else {
            respond(to: request, status: 481, reason: "Call/Transaction Does Not Exist", source: source)
            return
        }
        switch method {
        case "BYE":
            // The dialog's identifiers are not a secret from anyone on the path: a BYE counts
            // only from where the dialog's requests go (the first hop, or the far end's
            // contact), not from any other host that learnt them.
            guard isDialogPeer(source, state) else {
                logger.info("BYE for a live call from another host refused", metadata: ["call-id": "\(state.callID)", "source": "\(source)"])
                respond(to: request, status: 403, reason: "Forbidden", source: source)
                return
            }
            switch state.phase {
            case .answered, .byeSent:
                respond(to: request, status: 200, reason: "OK", source: source)
                state.endedByRemote = true
                terminate(state, with: .ended(SIPHangup(by: .remote, status: nil)))
            case .terminated where state.endedByRemote:
                respond(to: request, status: 200, reason: "OK", source: source)  // a retransmitted BYE
            default:
                respond(to: request, status: 481, reason: "Call/Transaction Does Not Exist", source: source)
            }
        case "CANCEL":
            // We only place calls: there is no server INVITE transaction here for a CANCEL to
            // match, so it changes nothing and gets 481 (RFC 3261 §9.2), from whoever it comes.
            respond(to: request, status: 481, reason: "Call/Transaction Does Not Exist", source: source)
        case "OPTIONS":
            respond(to: request, status: 200, reason: "OK", source: source)
        default:
            respond(to: request, status: 501, reason: "Not Implemented", source: source)
        }
    }

    /// Whether `source` is a host the dialog's peer speaks from: the first hop (the far end,
    /// or the proxy in front of it) or where in-dialog requests go (the far end's contact).
    private func isDialogPeer(_ source: SocketAddress, _ state: OutboundCallState) -> Bool {
        let peers = [state.firstHop.ipAddress, state.ackForSuccess?.destination.ipAddress].compactMap { $0 }
        guard let host = source.ipAddress else { return false }
        return peers.contains(host)
    }

    /// The request's To tag is ours and its From tag is the far end's (RFC 3261 §12.2.2).
    private func matchesDialog(_ request: SIPMessage, _ state: OutboundCallState) -> Bool {
        guard let remoteTag = state.remoteTag,
              let toValue = request.headers.first("To"), let to = try? SIPNameAddress(parsing: toValue),
              let fromValue = request.headers.first("From"), let from = try? SIPNameAddress(parsing: fromValue)
        else { return false }
        return to.tag == state.from.tag && from.tag == remoteTag
    }

    /// A stateless response, sent back to the datagram's source (symmetric, as with rport).
    private func respond(to request: SIPMessage, status: Int, reason: String, source: SocketAddress) {
        var headers = SIPHeaders()
        for via in request.headers.values("Via") { headers.add("Via", via) }
        if let from = request.headers.first("From") { headers.add("From", from) }
        if let to = request.headers.first("To") {
            let hasTag = (try? SIPNameAddress(parsing: to))?.tag != nil
            headers.add("To", hasTag ? to : to + ";tag=" + Random.token())
        }
        if let callID = request.callID { headers.add("Call-ID", callID) }
        if let cseq = request.headers.first("CSeq") { headers.add("CSeq", cseq) }
        headers.add("Server", configuration.userAgent)
        let response = SIPMessage(startLine: .response(status: status, reason: reason), headers: headers)
        send(SIPSerializer.serialize(response), to: source)
    }
}
