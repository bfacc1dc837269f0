import Logging
import NIOCore

extension UserAgentCore {
    /// Routes a response to its client transaction by top-Via branch and CSeq method.
    func handleResponse(_ response: SIPMessage, status: Int) {
        guard let via = response.topVia, let branch = via.branch, let cseq = response.cseq else {
            logger.debug("dropped response without branch or CSeq")
            return
        }
        let key = TransactionKey(branch: branch, method: cseq.method)
        if cseq.method == "INVITE" {
            guard let callID = inviteTransactions[key], let state = calls[callID], let invite = state.invite else {
                logger.debug("dropped INVITE response matching no transaction", metadata: ["branch": "\(branch)"])
                return
            }
            // A response to an earlier INVITE of this leg (before an auth retry) is only re-ACKed.
            guard invite.branch == branch else {
                if status >= 300, let previous = state.previousInvite, previous.branch == branch, let ack = previous.nonSuccessACK {
                    send(ack, to: previous.destination)
                }
                return
            }
            handleInviteResponse(response, status: status, state: state, invite: invite)
        } else if let transaction = nonInviteTransactions[key] {
            if status < 200 {
                transaction.proceeding = true
                return
            }
            nonInviteTransactions[key] = nil
            transaction.stopTimers()
            nonInviteFinished(transaction, status: status)
        } else {
            logger.debug("dropped response matching no transaction", metadata: ["branch": "\(branch)", "method": "\(cseq.method)"])
        }
    }

    private func handleInviteResponse(_ response: SIPMessage, status: Int, state: OutboundCallState, invite: InviteClientTransaction) {
        switch status {
        case 100..<200:
            guard invite.state == .calling || invite.state == .proceeding else { return }
            invite.state = .proceeding
            invite.stopTimers()
            if state.phase == .calling { state.phase = .proceeding }
            if status != 100, state.isLive, state.phase != .cancelling, !state.reportedProvisionals.contains(status),
               state.reportedProvisionals.count < OutboundCallState.maxProvisionalEvents {
                state.reportedProvisionals.append(status)
                state.leg.emit(.provisional(status: status))
            }
            if state.cancelPending, state.phase == .proceeding { sendCancel(state) }
        case 200..<300:
            invite.stopTimers()
            invite.state = .terminated
            handleSuccess(response, state: state)
        default:
            handleFailure(response, status: status, state: state, invite: invite)
        }
    }

    private func handleSuccess(_ response: SIPMessage, state: OutboundCallState) {
        if let ack = state.ackForSuccess {
            // A retransmitted 2xx: the ACK got lost, send it again (RFC 3261 §13.2.2.4).
            send(ack.bytes, to: ack.destination)
            return
        }
        guard let toValue = response.headers.first("To"), let to = try? SIPNameAddress(parsing: toValue) else {
            logger.debug("2xx without a usable To", metadata: ["call-id": "\(state.callID)"])
            return
        }
        state.remoteTag = to.tag
        state.to.tag = to.tag
        if let local = state.from.tag, let remote = to.tag { state.leg.setDialogTags(local: local, remote: remote) }
        if let contact = response.headers.first("Contact"), let address = try? SIPNameAddress(parsing: contact) {
            state.remoteTarget = address.uri
        }
        state.routeSet = response.headers.values("Record-Route").compactMap { try? SIPNameAddress(parsing: $0) }.reversed()
        sendSuccessACK(state)

        if state.cancelPending, state.phase == .calling || state.phase == .proceeding {
            // Hung up (or rang out) before any provisional, and the answer came first: end it at once.
            state.phase = .cancelling
        }
        switch state.phase {
        case .calling, .proceeding:
            let answer: SessionDescription.Answer
            do {
                answer = try SessionDescription.parseAnswer(response.body)
            } catch {
                logger.debug("unusable SDP answer", metadata: ["call-id": "\(state.callID)", "error": "\(error)"])
                let status = response.statusCode
                state.phase = .answered
                sendBye(state)
                terminate(state, with: .failed(SIPCallFailure(reason: .badAnswer, status: status)))
                return
            }
            state.phase = .answered
            state.ringTimer?.cancel()
            state.leg.emit(.answered(remoteMedia: answer.media))
        case .cancelling:
            // The far end answered while our CANCEL was on its way: end the dialog at once.
            state.phase = .answered
            sendBye(state)
            terminate(state, with: .failed(state.cancelFailure))
        case .answered, .byeSent:
            return
        case .terminated:
            // Answered after we gave up (timer B, shutdown): hang the dialog up so it does not dangle.
            state.phase = .answered
            sendBye(state)
            state.phase = .terminated
        }
    }

    private func sendSuccessACK(_ state: OutboundCallState) {
        guard let hop = dialogHop(state), let invite = state.invite else { return }
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP \(hostForHeaders):\(localPort);branch=\(Random.branch());rport")
        headers.add("Max-Forwards", "70")
        for route in hop.routes { headers.add("Route", route) }
        headers.add("From", state.from.description)
        headers.add("To", state.to.description)
        headers.add("Call-ID", state.callID)
        headers.add("CSeq", "\(state.cseq) ACK")
        for name in ["Authorization", "Proxy-Authorization"] {
            if let value = invite.request.headers.first(name) { headers.add(name, value) }
        }
        headers.add("User-Agent", configuration.userAgent)
        let bytes = SIPSerializer.serialize(SIPMessage(startLine: .request(method: "ACK", uri: hop.requestURI), headers: headers))
        state.ackForSuccess = (bytes, hop.destination)
        send(bytes, to: hop.destination)
    }

    private func handleFailure(_ response: SIPMessage, status: Int, state: OutboundCallState, invite: InviteClientTransaction) {
        if let ack = invite.nonSuccessACK {
            send(ack, to: invite.destination)
            return
        }
        invite.stopTimers()
        invite.state = .completed
        // Hop-by-hop ACK on the INVITE's branch (RFC 3261 §17.1.1.3).
        var headers = SIPHeaders()
        if let via = invite.request.headers.first("Via") { headers.add("Via", via) }
        headers.add("Max-Forwards", "70")
        for route in invite.request.headers.values("Route") { headers.add("Route", route) }
        headers.add("From", state.from.description)
        headers.add("To", response.headers.first("To") ?? state.to.description)
        headers.add("Call-ID", state.callID)
        headers.add("CSeq", "\(state.cseq) ACK")
        let ack = SIPSerializer.serialize(SIPMessage(startLine: .request(method: "ACK", uri: state.requestURI.description), headers: headers))
        invite.nonSuccessACK = ack
        send(ack, to: invite.destination)
        guard state.isLive else { return }

        if status == 401 || status == 407, retryWithCredentials(response, status: status, state: state) { return }
        let failure: SIPCallFailure
        if state.cancelCause != nil, status == 487 || status == 401 || status == 407 {
            failure = SIPCallFailure(reason: state.cancelCause == .ringTimeout ? .noAnswer : .cancelled, status: status)
        } else {
            failure = SIPCallFailure.forFinalStatus(status) ?? SIPCallFailure(reason: .rejected, status: status)
        }
        terminate(state, with: .failed(failure))
    }

    /// Resends the INVITE once with credentials (RFC 3261 §22.2); false when that is not possible.
    private func retryWithCredentials(_ response: SIPMessage, status: Int, state: OutboundCallState) -> Bool {
        guard let credentials = state.call.credentials, !state.authenticationRetried, state.cancelCause == nil, !shuttingDown else {
            return false
        }
        let challengeHeader = status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate"
        let answerHeader = status == 401 ? "Authorization" : "Proxy-Authorization"
        var authorization: DigestAuthorization?
        for value in response.headers.values(challengeHeader) {
            guard let challenge = try? DigestChallenge(parsing: value) else { continue }
            authorization = try? DigestAuthorization(
                challenge: challenge, username: credentials.username, password: credentials.password,
                method: "INVITE", uri: state.requestURI.description, cnonce: Random.token()
            )
            if authorization != nil { break }
        }
        guard let authorization else {
            logger.debug("no usable digest challenge", metadata: ["call-id": "\(state.callID)"])
            return false
        }
        state.authenticationRetried = true
        state.cseq += 1
        state.previousInvite = state.invite
        sendInvite(state, authorization: (answerHeader, authorization.headerValue))
        return true
    }
}
