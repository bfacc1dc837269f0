import CallHandlers
import Foundation
import Logging
import Media
import SIP

/// One call on one channel: runs its handler process and carries out the handler's
/// commands against the call's legs, passes the legs' news to the handler as `800` events,
/// and reports the call's progress and outcome. The handler decides what the call does;
/// the session decides what is true (who answered, who hung up first, how long it lasted).
actor CallSession {
    /// After the customer is gone the handler has this long to finish on its own.
    static let handlerGraceAfterCustomer: Duration = .seconds(5)
    static let maxVariables = 64

    let plan: CallPlan
    let channel: Int
    private let resources: ChannelResources
    private let report: @Sendable (CallProgress) async -> Void
    private let logger: Logger

    private var customer: CallLeg?
    private var agent: CallLeg?
    private var link: HandlerConversation?
    private var bridgedAt: ContinuousClock.Instant?
    private var customerAnsweredAt: ContinuousClock.Instant?
    private var conversationEndedAt: ContinuousClock.Instant?
    /// The first reason the conversation ended; later ones do not overwrite it.
    private var endCause: String?
    private var endSipStatus: Int?
    private var customerFailure: SIPCallFailure?
    private var variables: [String: String] = [:]
    private var stopRequested = false
    /// Seconds of conversation the payer's credit covers (nil: unlimited); counted from the bridge.
    private var creditSeconds: Int64?
    private var creditTimer: Task<Void, Never>?
    private(set) var phase = "dialling"
    private(set) var handlerPid: Int32?

    init(plan: CallPlan, channel: Int, resources: ChannelResources, logger: Logger,
         report: @escaping @Sendable (CallProgress) async -> Void) {
        self.plan = plan
        self.channel = channel
        self.resources = resources
        self.report = report
        var logger = logger
        logger[metadataKey: "call"] = "\(plan.callId.uuidString.lowercased())"
        logger[metadataKey: "channel"] = "\(channel)"
        self.logger = logger
    }

    /// Runs the call to its end and returns how its handler ended.
    func run() async -> HandlerExit? {
        let header = HandlerHeader(channel: channel, callID: plan.callId.uuidString.lowercased(),
                                   mode: plan.mode == .pstn ? .pstn : .voip, destination: plan.destination,
                                   agent: plan.agentName, agentURI: plan.agentURI, cartID: plan.cartId,
                                   cartValue: plan.cartValue, shopperName: plan.shopperName)
        let link = await resources.startHandler(header: header)
        guard let process = link.process else {
            logger.error("call handler did not start")
            _ = await link.finish()
            await report(.failed(reason: "handler-failed", sipStatus: nil))
            return nil
        }
        self.link = link
        handlerPid = process.pid
        await report(.handlerStarted(pid: process.pid))

        let maxDuration = resources.configuration.maxCallDuration
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.converse(with: link) }
            group.addTask {
                try? await Task.sleep(for: maxDuration)
                if !Task.isCancelled { await self.stop(cause: "max-duration") }
            }
            await group.next()
            group.cancelAll()
        }
        let ending = await link.finish()
        creditTimer?.cancel()
        if endCause == nil {
            endCause = switch ending.reason {
            case .idle: "handler-hung"
            case .protocolViolation: "handler-protocol"
            case .ioFailed, .stopped: "handler-hung"
            case .spawnFailed: "handler-failed"
            case .exited: ending.exit.map { $0 == .exited(0) } == true ? "handler-hangup" : "handler-crashed"
            }
        }
        await hangUpLegs(cause: endCause ?? "handler-hangup")
        await reportOutcome()
        return ending.exit
    }

    /// The payer's credit covers `talkSeconds` of conversation: when they are spent the
    /// handler hears `800 event=credit-exhausted`, and after `creditGrace` the call is ended
    /// for it with cause `credit-exhausted` (the first cause wins, so it is recorded as such
    /// whoever hangs up). A limit that arrives before the bridge starts counting at the bridge.
    func limitCredit(talkSeconds: Int64) {
        creditSeconds = max(0, talkSeconds)
        if bridgedAt != nil { scheduleCreditEnd() }
    }

    /// How long a handler told its credit is spent may take to hang up on its own.
    static let creditGrace: Duration = .seconds(2)

    private func scheduleCreditEnd() {
        guard let seconds = creditSeconds, let bridgedAt, creditTimer == nil else { return }
        let due = bridgedAt + .seconds(seconds)
        creditTimer = Task { [weak self] in
            try? await Task.sleep(until: due, clock: .continuous)
            guard !Task.isCancelled else { return }
            await self?.creditExhausted()
        }
    }

    private func creditExhausted() async {
        guard endCause == nil else { return }
        logger.info("credit exhausted: ending the call")
        recordEnd("credit-exhausted")
        try? await link?.send(event: .creditExhausted)
        try? await Task.sleep(for: Self.creditGrace)
        await stop(cause: "credit-exhausted")
    }

    /// Ends the call from outside (ops hang-up, node stopping).
    func stop(cause: String) async {
        stopRequested = true
        recordEnd(cause)
        await hangUpLegs(cause: cause)
        link?.process?.closePipes()
    }

    private func converse(with link: HandlerConversation) async {
        for await command in link.commands {
            let reply = await execute(command)
            try? await link.reply(reply)
            if case .hangup = command { return }
            if stopRequested { return }
        }
    }

    // MARK: Commands

    private func execute(_ command: HandlerCommand) async -> HandlerReply {
        switch command {
        case .answer:
            return .ok("0")
        case .dial(let target, let timeout):
            return await dial(target, timeout: .milliseconds(timeout))
        case .play(let name):
            return await play(name)
        case .bridge:
            return await bridge()
        case .wait(let milliseconds):
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return .ok("0")
        case .getDTMF(let maxDigits, let timeout):
            guard let customer, await customer.isAnswered else { return await customerUnavailableReply() }
            let digits = await customer.collectDigits(max: maxDigits, timeout: .milliseconds(timeout))
            return .ok(digits.count == maxDigits ? "digits" : "timeout", data: String(digits))
        case .set(let name, let value):
            guard variables.count < Self.maxVariables || variables[name] != nil else { return .usage("at most \(Self.maxVariables) variables") }
            variables[name] = value
            return .ok("0")
        case .hangup(let cause):
            recordEnd("handler-hangup")
            if let cause { variables["hangup-cause"] = cause }
            await hangUpLegs(cause: "handler-hangup")
            return .ok("0")
        }
    }

    private func dial(_ target: DialTarget, timeout: Duration) async -> HandlerReply {
        if stopRequested { return .channelGone }
        switch target {
        case .customer where customer != nil: return .usage("the customer leg was already dialled")
        case .agent where agent != nil: return .usage("the agent leg was already dialled")
        case .agent:
            guard let customer, await customer.isAnswered else { return await customerUnavailableReply() }
        case .customer:
            break
        }
        // A page's leg answered 480 (the page has not registered yet) is dialled again after
        // a short pause, until the ring timeout is spent; each attempt rings for what is left.
        let deadline = ContinuousClock.now + timeout
        var attempt = 0
        while true {
            attempt += 1
            let call: OutgoingCall
            do {
                call = try await resources.outgoingCall(for: target, plan: plan, ringTimeout: deadline - .now)
            } catch {
                if target == .customer { customerFailure = SIPCallFailure(reason: .unavailable, status: nil) }
                logger.warning("cannot dial", metadata: ["leg": "\(target.rawValue)", "error": "\(error)"])
                return .ok(SIPFailureReason.unavailable.rawValue)
            }
            let leg: CallLeg
            do {
                leg = try await resources.dial(call, role: target) { [weak self] role, notice in
                    await self?.legNotice(role, notice)
                }
            } catch {
                if target == .customer { customerFailure = SIPCallFailure(reason: .unavailable, status: nil) }
                logger.warning("dial failed", metadata: ["leg": "\(target.rawValue)", "error": "\(error)"])
                return .ok(SIPFailureReason.unavailable.rawValue)
            }
            if target == .customer { customer = leg; phase = "dialling" } else { agent = leg }
            if attempt == 1 { await report(.dialling(leg: target.rawValue)) }
            Task { await leg.follow() }
            switch await leg.settled() {
            case .answered:
                return .ok("answered")
            case .failed(let failure):
                if await shouldRedial(target, after: failure, attempt: attempt, deadline: deadline) { continue }
                if target == .customer { customerFailure = failure }
                return .ok(failure.reason.rawValue)
            case .ended, .dialling, .ringing:
                return .ok("hangup")
            }
        }
    }

    /// Redials of a browser leg are bounded by its ring timeout and by this count.
    static let maxBrowserDialAttempts = 600

    /// Whether a failed leg is dialled again: only a page (a browser customer's, or a console
    /// agent's) that has not joined yet (480), while the ring timeout leaves room for a pause and another ring;
    /// waits the pause first (a stop during it ends the redialling).
    private func shouldRedial(_ target: DialTarget, after failure: SIPCallFailure, attempt: Int,
                              deadline: ContinuousClock.Instant) async -> Bool {
        let pause = resources.configuration.browserRetryPause
        guard plan.legInBrowser(target), failure.status == 480, !stopRequested,
              attempt < Self.maxBrowserDialAttempts, ContinuousClock.now + pause * 2 < deadline else { return false }
        logger.debug("the page has not joined yet; dialling again", metadata: ["attempt": "\(attempt)"])
        try? await Task.sleep(for: pause)
        return !stopRequested && !Task.isCancelled
    }

    private func play(_ name: String) async -> HandlerReply {
        guard let customer, await customer.isAnswered else { return await customerUnavailableReply() }
        if bridgedAt != nil { return .usage("cannot play while the legs are bridged") }
        guard let prompt = resources.prompts.prompt(named: name) else { return .usage("no prompt named '\(name)'") }
        switch await customer.rtp.play(prompt) {
        case .completed: return .ok("0")
        case .interrupted: return .ok("interrupted")
        }
    }

    private func bridge() async -> HandlerReply {
        guard let customer, await customer.isAnswered else { return await customerUnavailableReply() }
        guard let agent, await agent.isAnswered else { return .usage("dial the agent first (DIAL agent <timeoutMs>)") }
        if bridgedAt != nil { return .ok("0") }
        resources.media.bridge(customer.rtp, agent.rtp)
        bridgedAt = .now
        phase = "bridged"
        scheduleCreditEnd()
        await report(.agentBridged)
        return .ok("0")
    }

    private func customerUnavailableReply() async -> HandlerReply {
        guard let customer else { return .usage("dial the customer first (DIAL customer <timeoutMs>)") }
        return await customer.isOver ? .channelGone : .usage("the customer has not answered")
    }

    // MARK: Leg news

    private func legNotice(_ role: DialTarget, _ notice: CallLeg.Notice) async {
        switch notice {
        case .ringing(let status):
            if role == .customer {
                phase = "ringing"
                await report(.ringing(sipStatus: status))
            }
        case .answered:
            if role == .customer {
                customerAnsweredAt = .now
                phase = "answered"
                await report(.answered)
            }
            try? await link?.send(event: .answered(leg: role))
        case .dtmf(let digit):
            try? await link?.send(event: .dtmf(digit: digit))
        case .failed:
            break  // the DIAL that placed the leg answers with the reason
        case .ended(let cause, let status):
            let callCause = switch cause {
            case "remote": role == .customer ? "customer-hangup" : "agent-hangup"
            case "media-timeout": "media-timeout"
            default: "\(role.rawValue)-hangup"
            }
            if recordEnd(callCause) { endSipStatus = status }
            try? await link?.send(event: .hangup(leg: role, cause: cause))
            if role == .customer { scheduleHandlerDeadline() }
        }
    }

    /// A handler that does not end the call once the customer is gone is ended for it.
    private func scheduleHandlerDeadline() {
        let grace = Self.handlerGraceAfterCustomer
        Task { [weak self] in
            try? await Task.sleep(for: grace)
            await self?.closeHandlerIfStillRunning()
        }
    }

    private func closeHandlerIfStillRunning() async {
        await hangUpLegs(cause: endCause ?? "customer-hangup")
        link?.process?.closePipes()
    }

    // MARK: Ending

    /// Records why the conversation ended, first cause wins; true when this one did.
    @discardableResult
    private func recordEnd(_ cause: String) -> Bool {
        guard endCause == nil else { return false }
        endCause = cause
        conversationEndedAt = .now
        phase = "ending"
        return true
    }

    private func hangUpLegs(cause: String) async {
        if let customer, let agent, bridgedAt != nil { resources.media.unbridge(customer.rtp, agent.rtp) }
        if let agent { await agent.hangUp(cause: cause) }
        if let customer { await customer.hangUp(cause: cause) }
    }

    private func reportOutcome() async {
        guard let answeredAt = customerAnsweredAt else {
            // A call we stopped before it was answered (ops, a completed cart, the shopper's
            // cancel) failed for the stop's reason — whatever the leg then reported: a CANCEL's
            // 487, or a timer B when no provisional answer ever allowed a CANCEL.
            let stoppedByUs = stopRequested
            let reason = stoppedByUs ? (endCause ?? "cancelled") : (customerFailure?.reason.rawValue ?? failureReasonForHandler())
            await report(.failed(reason: reason, sipStatus: customerFailure?.status))
            return
        }
        let end = conversationEndedAt ?? .now
        let answered = Self.milliseconds(end - answeredAt)
        let billable = bridgedAt.map { Self.milliseconds(end - $0) } ?? 0
        await report(.ended(CallEnding(cause: endCause ?? "handler-hangup", sipStatus: endSipStatus,
                                       answeredMilliseconds: answered, billableMilliseconds: billable)))
    }

    /// Why a call whose customer never answered failed, when no SIP answer says why.
    private func failureReasonForHandler() -> String {
        switch endCause {
        case "handler-crashed", "handler-hung", "handler-protocol", "ops-hangup", "max-duration", "node-stopping", "cart-completed",
             "shopper-cancelled":
            endCause ?? "handler-failed"
        case "handler-hangup": customer == nil ? "handler-hangup" : "cancelled"
        default: "handler-failed"
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        max(0, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
