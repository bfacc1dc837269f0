import Logging
import NIOCore

/// The user agent's state machine: every call, transaction and timer, confined to one event
/// loop so no locks are needed and timers are `scheduleTask`s on that loop.
///
/// Guarantees:
/// - a datagram that does not parse, a response that matches no transaction and a request that
///   matches no live dialog never change any leg (the request gets 481);
/// - every leg ends with exactly one terminal event (`failed` or `ended`);
/// - every retransmission is bounded by timer B / F (64·T1), every leg by its ring timeout or
///   timer B before an answer; ended legs linger 64·T1 to re-ACK retransmitted final responses.
final class UserAgentCore {
    let configuration: SIPUserAgentConfiguration
    let eventLoop: any EventLoop
    let logger: Logger
    let liveLegs: LiveLegCounter
    var channel: (any Channel)?
    var localPort = 0
    var shuttingDown = false
    var calls: [String: OutboundCallState] = [:]
    var inviteTransactions: [TransactionKey: String] = [:]
    var nonInviteTransactions: [TransactionKey: NonInviteClientTransaction] = [:]
    let parser = SIPParser()
    let t1: TimeAmount
    let t2: TimeAmount

    init(configuration: SIPUserAgentConfiguration, eventLoop: any EventLoop, logger: Logger, liveLegs: LiveLegCounter) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        self.liveLegs = liveLegs
        self.t1 = configuration.t1.timeAmount
        self.t2 = configuration.t2.timeAmount
    }

    var advertisedHost: String { configuration.advertisedHost ?? configuration.bindHost }
    var hostForHeaders: String { advertisedHost.contains(":") ? "[\(advertisedHost)]" : advertisedHost }
    var timerB: TimeAmount { t1 * 64 }

    // MARK: - Placing calls

    func startCall(_ call: OutgoingCall, requestURI: SIPURI, firstHop: SocketAddress, leg: SIPLeg) -> SIPError? {
        guard !shuttingDown else { return .shutDown }
        guard channel != nil else { return .notStarted }
        guard liveLegs.value < configuration.maxLiveLegs else { return .tooManyLegs(limit: configuration.maxLiveLegs) }
        let from = SIPNameAddress(
            displayName: call.fromDisplayName,
            uri: SIPURI(user: call.fromUser, host: advertisedHost),
            parameters: [SIPParameter("tag", Random.token())]
        )
        let routes = call.outboundProxy.map { proxy in
            ["<" + SIPURI(host: proxy.host, port: proxy.port, parameters: [SIPParameter("lr")]).description + ">"]
        } ?? []
        let state = OutboundCallState(
            callID: leg.callID, leg: leg, call: call, requestURI: requestURI, from: from, firstHop: firstHop, initialRoutes: routes
        )
        calls[state.callID] = state
        liveLegs.add(1)
        sendInvite(state, authorization: nil)
        state.ringTimer = schedule(in: call.ringTimeout.timeAmount) { [weak self] in
            self?.ringTimedOut(state)
        }
        return nil
    }

    func sendInvite(_ state: OutboundCallState, authorization: (header: String, value: String)?) {
        let branch = Random.branch()
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP \(hostForHeaders):\(localPort);branch=\(branch);rport")
        headers.add("Max-Forwards", "70")
        for route in state.initialRoutes { headers.add("Route", route) }
        headers.add("From", state.from.description)
        headers.add("To", state.to.description)
        headers.add("Call-ID", state.callID)
        headers.add("CSeq", "\(state.cseq) INVITE")
        headers.add("Contact", "<" + SIPURI(user: state.call.fromUser, host: advertisedHost, port: localPort).description + ">")
        if let authorization { headers.add(authorization.header, authorization.value) }
        headers.add("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS")
        headers.add("User-Agent", configuration.userAgent)
        headers.add("Content-Type", "application/sdp")
        let body = SessionDescription.offer(media: state.call.localMedia, sessionID: UInt64.random(in: 1...UInt64(Int64.max)))
        let request = SIPMessage(startLine: .request(method: "INVITE", uri: state.requestURI.description), headers: headers, body: body)
        let bytes = SIPSerializer.serialize(request)
        let transaction = InviteClientTransaction(branch: branch, request: request, bytes: bytes, destination: state.firstHop, t1: t1)
        let key = TransactionKey(branch: branch, method: "INVITE")
        inviteTransactions[key] = state.callID
        state.transactionKeys.append(key)
        state.invite = transaction
        state.phase = state.phase == .cancelling ? .cancelling : .calling
        send(bytes, to: transaction.destination)
        scheduleTimerA(transaction, state: state)
        transaction.timerB = schedule(in: timerB) { [weak self] in
            guard let self, transaction.state == .calling else { return }
            transaction.state = .terminated
            transaction.stopTimers()
            self.logger.debug("timer B fired", metadata: ["call-id": "\(state.callID)"])
            self.terminate(state, with: .failed(SIPCallFailure(reason: .networkTimeout, status: nil)))
        }
    }

    private func scheduleTimerA(_ transaction: InviteClientTransaction, state: OutboundCallState) {
        transaction.timerA = schedule(in: transaction.retransmitInterval) { [weak self] in
            guard let self, transaction.state == .calling, state.isLive else { return }
            self.send(transaction.bytes, to: transaction.destination)
            transaction.retransmitInterval = transaction.retransmitInterval * 2
            self.scheduleTimerA(transaction, state: state)
        }
    }

    // MARK: - Hanging up

    func hangUp(callID: String) {
        guard let state = calls[callID] else { return }
        requestCancelOrBye(state, cause: .hangUp)
    }

    private func ringTimedOut(_ state: OutboundCallState) {
        switch state.phase {
        case .calling, .proceeding: requestCancelOrBye(state, cause: .ringTimeout)
        case .cancelling, .answered, .byeSent, .terminated: return
        }
    }

    private func requestCancelOrBye(_ state: OutboundCallState, cause: OutboundCallState.CancelCause) {
        switch state.phase {
        case .calling:
            if state.cancelCause == nil { state.cancelCause = cause }
            state.cancelPending = true
            if cause == .shutdown {
                // Nothing provisional yet, so nothing to CANCEL; the socket closes anyway.
                terminate(state, with: .failed(SIPCallFailure(reason: .cancelled, status: nil)))
            }
        case .proceeding:
            if state.cancelCause == nil { state.cancelCause = cause }
            sendCancel(state)
        case .answered:
            sendBye(state)
        case .cancelling, .byeSent, .terminated:
            return
        }
    }

    func sendCancel(_ state: OutboundCallState) {
        guard let invite = state.invite else { return }
        state.phase = .cancelling
        state.cancelPending = false
        var headers = SIPHeaders()
        // Same Request-URI, top Via (branch), Call-ID, From, To and CSeq number as the INVITE (RFC 3261 §9.1).
        if let via = invite.request.headers.first("Via") { headers.add("Via", via) }
        headers.add("Max-Forwards", "70")
        for route in invite.request.headers.values("Route") { headers.add("Route", route) }
        headers.add("From", state.from.description)
        headers.add("To", state.to.description)
        headers.add("Call-ID", state.callID)
        headers.add("CSeq", "\(state.cseq) CANCEL")
        headers.add("User-Agent", configuration.userAgent)
        let request = SIPMessage(startLine: .request(method: "CANCEL", uri: state.requestURI.description), headers: headers)
        startNonInvite(
            key: TransactionKey(branch: invite.branch, method: "CANCEL"), state: state,
            bytes: SIPSerializer.serialize(request), destination: invite.destination
        )
        // If the INVITE never gets its final response, the leg ends 64·T1 after the CANCEL.
        state.cancelGuardTimer = schedule(in: timerB) { [weak self] in
            guard let self, state.phase == .cancelling else { return }
            self.terminate(state, with: .failed(state.cancelFailure))
        }
    }

    func sendBye(_ state: OutboundCallState) {
        state.phase = .byeSent
        state.cseq += 1
        guard let hop = dialogHop(state) else {
            terminate(state, with: .ended(SIPHangup(by: .local, status: nil)))
            return
        }
        let branch = Random.branch()
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP \(hostForHeaders):\(localPort);branch=\(branch);rport")
        headers.add("Max-Forwards", "70")
        for route in hop.routes { headers.add("Route", route) }
        headers.add("From", state.from.description)
        headers.add("To", state.to.description)
        headers.add("Call-ID", state.callID)
        headers.add("CSeq", "\(state.cseq) BYE")
        headers.add("User-Agent", configuration.userAgent)
        let request = SIPMessage(startLine: .request(method: "BYE", uri: hop.requestURI), headers: headers)
        startNonInvite(key: TransactionKey(branch: branch, method: "BYE"), state: state, bytes: SIPSerializer.serialize(request), destination: hop.destination)
    }

    private func startNonInvite(key: TransactionKey, state: OutboundCallState, bytes: [UInt8], destination: SocketAddress) {
        let transaction = NonInviteClientTransaction(key: key, callID: state.callID, bytes: bytes, destination: destination, t1: t1)
        nonInviteTransactions[key] = transaction
        state.transactionKeys.append(key)
        send(bytes, to: destination)
        scheduleTimerE(transaction)
        transaction.timerF = schedule(in: timerB) { [weak self] in
            guard let self, self.nonInviteTransactions[key] != nil else { return }
            self.nonInviteTransactions[key] = nil
            transaction.stopTimers()
            self.nonInviteFinished(transaction, status: nil)
        }
    }

    private func scheduleTimerE(_ transaction: NonInviteClientTransaction) {
        let interval = transaction.proceeding ? t2 : transaction.retransmitInterval
        transaction.timerE = schedule(in: interval) { [weak self] in
            guard let self, self.nonInviteTransactions[transaction.key] != nil else { return }
            self.send(transaction.bytes, to: transaction.destination)
            transaction.retransmitInterval = min(transaction.retransmitInterval * 2, self.t2)
            self.scheduleTimerE(transaction)
        }
    }

    /// A BYE or CANCEL got its final response (`status`) or timed out (nil).
    func nonInviteFinished(_ transaction: NonInviteClientTransaction, status: Int?) {
        guard let state = calls[transaction.callID], state.isLive else { return }
        if transaction.key.method == "BYE" {
            terminate(state, with: .ended(SIPHangup(by: .local, status: status)))
        }
        // A CANCEL's answer changes nothing: the INVITE's 487 (or the guard timer) ends the leg.
    }

    // MARK: - Dialog routing (RFC 3261 §12.2.1.1)

    struct Hop {
        var requestURI: String
        var routes: [String]
        var destination: SocketAddress
    }

    func dialogHop(_ state: OutboundCallState) -> Hop? {
        let target = state.remoteTarget ?? state.requestURI
        let requestURI: String
        let routes: [String]
        let next: SIPURI
        if let first = state.routeSet.first {
            if first.uri.isLooseRouter {
                requestURI = target.description
                routes = state.routeSet.map { "<\($0.uri)>" }
            } else {
                // Strict router: its URI becomes the Request-URI, the remote target the last Route.
                var strict = first.uri
                strict.parameters.removeAll { ASCII.caseInsensitiveEquals($0.name, "method") }
                strict.headers = nil
                requestURI = strict.description
                routes = state.routeSet.dropFirst().map { "<\($0.uri)>" } + ["<\(target)>"]
            }
            next = first.uri
        } else {
            requestURI = target.description
            routes = []
            next = target
        }
        guard let destination = try? SocketAddress.forSIP(next) else {
            logger.debug("cannot resolve next hop", metadata: ["call-id": "\(state.callID)", "hop": "\(next)"])
            return nil
        }
        return Hop(requestURI: requestURI, routes: routes, destination: destination)
    }

    // MARK: - Termination

    func terminate(_ state: OutboundCallState, with event: SIPLegEvent) {
        guard state.isLive else { return }
        state.phase = .terminated
        state.ringTimer?.cancel()
        state.cancelGuardTimer?.cancel()
        state.invite?.timerA?.cancel()
        state.invite?.timerB?.cancel()
        liveLegs.add(-1)
        state.leg.emit(event)
        logger.debug("leg ended", metadata: ["call-id": "\(state.callID)", "event": "\(event)"])
        // Linger so retransmitted final responses are still ACKed and a repeated BYE still gets 200.
        schedule(in: timerB) { [weak self] in
            self?.forget(state)
        }
    }

    private func forget(_ state: OutboundCallState) {
        guard calls[state.callID] === state else { return }
        calls[state.callID] = nil
        for key in state.transactionKeys {
            inviteTransactions[key] = nil
            if let transaction = nonInviteTransactions.removeValue(forKey: key) { transaction.stopTimers() }
        }
    }

    // MARK: - Transport

    /// A timer on our loop; the body runs on it too, so it may touch the state directly.
    @discardableResult
    func schedule(in delay: TimeAmount, _ body: @escaping () -> Void) -> Scheduled<Void> {
        eventLoop.assumeIsolated().scheduleTask(in: delay, body)
    }

    func send(_ bytes: [UInt8], to destination: SocketAddress) {
        guard let channel else { return }
        let buffer = channel.allocator.buffer(bytes: bytes)
        let logger = self.logger
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer)).whenFailure { error in
            logger.debug("send failed", metadata: ["to": "\(destination)", "error": "\(error)"])
        }
    }

    func receive(_ envelope: AddressedEnvelope<ByteBuffer>) {
        let bytes = Array(envelope.data.readableBytesView)
        let message: SIPMessage
        do {
            message = try parser.parse(bytes)
        } catch {
            logger.debug("dropped unparsable datagram", metadata: ["from": "\(envelope.remoteAddress)", "error": "\(error)"])
            return
        }
        switch message.startLine {
        case .response(let status, _): handleResponse(message, status: status)
        case .request(let method, _): handleRequest(message, method: method, from: envelope.remoteAddress)
        }
    }

    // MARK: - Shutdown

    /// Refuses new legs and sends BYE/CANCEL for every live one.
    func beginShutdown() {
        shuttingDown = true
        for state in calls.values where state.isLive {
            requestCancelOrBye(state, cause: .shutdown)
        }
    }

    /// Ends what is still live and stops every timer; the socket closes after this.
    func finishShutdown() {
        for state in calls.values where state.isLive {
            switch state.phase {
            case .answered, .byeSent: terminate(state, with: .ended(SIPHangup(by: .local, status: nil)))
            default: terminate(state, with: .failed(SIPCallFailure(reason: .cancelled, status: nil)))
            }
        }
        for transaction in nonInviteTransactions.values { transaction.stopTimers() }
        nonInviteTransactions.removeAll()
        inviteTransactions.removeAll()
        calls.removeAll()
    }
}
