import CallHandlers
import Foundation
import Logging
import Media
import SIP

/// One leg of a call — the customer's or the agent's — as its SIP dialog and its RTP
/// stream together. It follows both until the leg is over and tells its call what
/// happened (ringing, answered, DTMF, hung up); the call's commands ask it to settle,
/// to play, and to hang up.
actor CallLeg {
    enum State: Equatable {
        case dialling
        case ringing
        case answered
        case failed(SIPCallFailure)
        /// Over after an answer; `cause` is the leg's own (`remote`, `local`, `media-timeout`).
        case ended(cause: String, sipStatus: Int?)
    }

    /// What the leg tells its call.
    enum Notice: Sendable {
        case ringing(sipStatus: Int)
        case answered
        case dtmf(Character)
        case ended(cause: String, sipStatus: Int?)
        case failed(SIPCallFailure)
    }

    static let maxBufferedDigits = 64

    let role: DialTarget
    let sip: SIPLeg
    let rtp: RTPLeg
    private let notify: @Sendable (DialTarget, Notice) async -> Void
    private(set) var state: State = .dialling
    private var settleWaiters: [CheckedContinuation<State, Never>] = []
    private var digits: [Character] = []
    private var digitWaiters: [CheckedContinuation<Void, Never>] = []
    private(set) var answeredAt: ContinuousClock.Instant?

    init(role: DialTarget, sip: SIPLeg, rtp: RTPLeg, notify: @escaping @Sendable (DialTarget, Notice) async -> Void) {
        self.role = role
        self.sip = sip
        self.rtp = rtp
        self.notify = notify
    }

    var isSettled: Bool {
        switch state {
        case .dialling, .ringing: false
        default: true
        }
    }

    var isAnswered: Bool { state == .answered }

    var isOver: Bool {
        switch state {
        case .failed, .ended: true
        default: false
        }
    }

    /// Follows the SIP dialog and the RTP stream until the leg is over.
    func follow() async {
        let sip = self.sip
        let rtp = self.rtp
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in sip.events { await self.handle(event) }
                await self.sipFinished()
            }
            group.addTask {
                for await event in rtp.events { await self.handle(event) }
            }
            // The RTP events never end by themselves: once SIP says the leg is over, stop.
            await group.next()
            group.cancelAll()
        }
        await rtp.close()
    }

    /// Waits until the leg is answered or has failed.
    func settled() async -> State {
        if isSettled { return state }
        return await withCheckedContinuation { settleWaiters.append($0) }
    }

    /// Hangs up (CANCEL before an answer, BYE after); the leg records `cause` unless it
    /// already ended.
    func hangUp(cause: String) async {
        switch state {
        case .answered:
            transition(to: .ended(cause: cause, sipStatus: nil))
        case .dialling, .ringing:
            break  // the SIP side reports the failure (cancelled) when the CANCEL completes
        case .failed, .ended:
            return
        }
        await sip.hangUp()
    }

    /// Up to `maxDigits` DTMF digits, waiting at most `timeout` for them.
    func collectDigits(max maxDigits: Int, timeout: Duration) async -> [Character] {
        let deadline = ContinuousClock.now + timeout
        while digits.count < maxDigits, !isOver, ContinuousClock.now < deadline {
            await waitForDigit(until: deadline)
        }
        let taken = Array(digits.prefix(maxDigits))
        digits.removeFirst(taken.count)
        return taken
    }

    private func waitForDigit(until deadline: ContinuousClock.Instant) async {
        let wake = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            await self?.wakeDigitWaiters()
        }
        await withCheckedContinuation { digitWaiters.append($0) }
        wake.cancel()
    }

    private func wakeDigitWaiters() {
        let waiters = digitWaiters
        digitWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    private func handle(_ event: SIPLegEvent) async {
        switch event {
        case .provisional(let status):
            if state == .dialling, status == 180 || status == 183 {
                state = .ringing
                await notify(role, .ringing(sipStatus: status))
            }
        case .answered(let media):
            rtp.connect(to: RTPAddress(host: media.host, port: media.port))
            answeredAt = .now
            transition(to: .answered)
            await notify(role, .answered)
        case .failed(let failure):
            transition(to: .failed(failure))
            await notify(role, .failed(failure))
        case .ended(let hangup):
            if case .ended = state { return }  // we hung up ourselves and said so already
            let cause = hangup.by == .remote ? "remote" : "local"
            transition(to: .ended(cause: cause, sipStatus: hangup.status))
            await notify(role, .ended(cause: cause, sipStatus: hangup.status))
        }
    }

    private func handle(_ event: RTPLegEvent) async {
        switch event {
        case .dtmf(let digit):
            if digits.count < Self.maxBufferedDigits { digits.append(digit) }
            wakeDigitWaiters()
            await notify(role, .dtmf(digit))
        case .inactive:
            guard state == .answered else { return }
            // The far end vanished without a BYE: end the dialog ourselves.
            transition(to: .ended(cause: "media-timeout", sipStatus: nil))
            await notify(role, .ended(cause: "media-timeout", sipStatus: nil))
            await sip.hangUp()
        }
    }

    /// The SIP events ended without a terminal event (the agent shut down): count it as over.
    private func sipFinished() async {
        guard !isOver else { return }
        let failure = SIPCallFailure(reason: .networkTimeout, status: nil)
        if state == .answered {
            transition(to: .ended(cause: "local", sipStatus: nil))
        } else {
            transition(to: .failed(failure))
            await notify(role, .failed(failure))
        }
    }

    private func transition(to next: State) {
        state = next
        if isSettled {
            let waiters = settleWaiters
            settleWaiters.removeAll()
            for waiter in waiters { waiter.resume(returning: next) }
        }
        if isOver { wakeDigitWaiters() }
    }
}
