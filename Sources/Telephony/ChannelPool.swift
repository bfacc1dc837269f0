import CallHandlers
import Foundation
import Logging
import Media
import Metrics
import NIOCore
import SIP

/// A node's `maxChannels` voice channels. A call reserves a free channel, runs on it as a
/// `CallSession` with its own handler process, and frees it when the call is over — or
/// when its handler crashed, hung or flooded, which are recorded. A channel whose handler
/// keeps crashing is taken out for a cool-off instead of failing call after call.
public actor ChannelPool: OpsControl {
    /// Crashes in a row that take a channel out, and for how long.
    static let crashesBeforeCoolOff = 3
    static let coolOff: Duration = .seconds(30)
    static let keptExits = 32

    struct Channel {
        var callId: UUID?
        var session: CallSession?
        var handlerPid: Int32?
        var since: Date?
        var crashesInARow = 0
        var failedUntil: ContinuousClock.Instant?
    }

    public nonisolated let configuration: TelephonyConfiguration
    let resources: ChannelResources
    let logger: Logger
    private var channels: [Channel]
    private var draining = false
    private var started = false
    private var lastExits: [HandlerExitRecord] = []
    private var handlerRestarts = 0
    private var liveCallsByID: [UUID: LiveCall] = [:]
    private let tail = EventTail()
    private let busyGauge: Gauge
    private let callsCounter: Counter

    public init(configuration: TelephonyConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.resources = ChannelResources(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        self.channels = Array(repeating: Channel(), count: max(0, configuration.maxChannels))
        self.busyGauge = Gauge(label: "cartline_channels_busy")
        self.callsCounter = Counter(label: "cartline_calls_placed_total")
    }

    /// Binds the SIP and RTP sockets; returns the SIP port.
    public func start() async throws -> Int {
        let port = try await resources.userAgent.start()
        try await resources.media.start()
        await resources.startWarmHandlers()
        started = true
        return port
    }

    /// Ends every live call (cause `node-stopping`) and closes the sockets.
    public func shutdown() async {
        let sessions = channels.compactMap(\.session)
        for session in sessions { await session.stop(cause: "node-stopping") }
        for _ in 0..<200 where channels.contains(where: { $0.session != nil }) {
            try? await Task.sleep(for: .milliseconds(25))
        }
        await resources.stopWarmHandlers()
        await resources.userAgent.shutdown()
        await resources.media.shutdown()
        tail.finishAll()
    }

    public var isDraining: Bool { draining }

    /// The media engine's counters (packets played, relayed, jitter of the pacing clock).
    public nonisolated func mediaStatistics() -> MediaEngineStatistics { resources.media.statistics() }

    /// Free channels for new calls (0 while draining).
    public var freeChannels: Int {
        guard !draining else { return 0 }
        let now = ContinuousClock.now
        return channels.filter { $0.callId == nil && ($0.failedUntil.map { $0 <= now } ?? true) }.count
    }

    /// Reserves a free channel for `callId`; nil when none is free or the node drains.
    public func reserve(callId: UUID) -> Int? {
        guard started, !draining else { return nil }
        let now = ContinuousClock.now
        guard let index = channels.indices.first(where: { channels[$0].callId == nil && (channels[$0].failedUntil.map { $0 <= now } ?? true) }) else {
            return nil
        }
        channels[index].callId = callId
        channels[index].since = Date()
        updateGauge()
        return index + 1
    }

    /// Gives back a channel reserved for a call that this node did not get to place.
    public func release(channel: Int) {
        guard channels.indices.contains(channel - 1) else { return }
        channels[channel - 1] = Channel(crashesInARow: channels[channel - 1].crashesInARow, failedUntil: channels[channel - 1].failedUntil)
        updateGauge()
    }

    /// Runs the call on its reserved channel to the end; `report` hears its progress.
    public func run(_ plan: CallPlan, on channel: Int, report: @escaping @Sendable (CallProgress) async -> Void) async {
        guard channels.indices.contains(channel - 1), channels[channel - 1].callId == plan.callId else {
            await report(.failed(reason: "no-channel", sipStatus: nil))
            return
        }
        let session = CallSession(plan: plan, channel: channel, resources: resources, logger: logger) { [weak self] progress in
            await self?.observe(progress, callId: plan.callId, channel: channel)
            await report(progress)
        }
        channels[channel - 1].session = session
        liveCallsByID[plan.callId] = LiveCall(callId: plan.callId, channel: channel, phase: "dialling", mode: plan.mode.rawValue,
                                              handlerPid: nil, startedAt: Date(), answeredAt: nil)
        callsCounter.increment()
        publish("call-started", callId: plan.callId, channel: channel, detail: "\(plan.mode.rawValue) call")
        let exit = await session.run()
        finish(channel: channel, callId: plan.callId, exit: exit)
    }

    private func observe(_ progress: CallProgress, callId: UUID, channel: Int) {
        switch progress {
        case .handlerStarted(let pid):
            channels[channel - 1].handlerPid = pid
            liveCallsByID[callId]?.handlerPid = pid
        case .dialling(let leg):
            publish("dialling", callId: callId, channel: channel, detail: "INVITE to the \(leg)")
        case .ringing(let status):
            liveCallsByID[callId]?.phase = "ringing"
            publish("call-ringing", callId: callId, channel: channel, detail: "SIP \(status)")
        case .answered:
            liveCallsByID[callId]?.phase = "answered"
            liveCallsByID[callId]?.answeredAt = Date()
            publish("call-answered", callId: callId, channel: channel, detail: "customer answered")
        case .agentBridged:
            liveCallsByID[callId]?.phase = "bridged"
            publish("agent-bridged", callId: callId, channel: channel, detail: "agent joined")
        case .ended(let ending):
            liveCallsByID[callId]?.phase = "ending"
            publish("call-ended", callId: callId, channel: channel,
                    detail: "\(ending.cause), billable \(ending.billableMilliseconds) ms")
        case .failed(let reason, let status):
            liveCallsByID[callId]?.phase = "ending"
            publish("call-failed", callId: callId, channel: channel, detail: reason + (status.map { " (SIP \($0))" } ?? ""))
        }
    }

    private func finish(channel: Int, callId: UUID, exit: HandlerExit?) {
        let index = channel - 1
        var slot = channels[index]
        if let exit, let pid = slot.handlerPid {
            lastExits.append(HandlerExitRecord(pid: pid, channel: channel, callId: callId, status: exit.description, at: Date()))
            if lastExits.count > Self.keptExits { lastExits.removeFirst(lastExits.count - Self.keptExits) }
            publish("handler-exited", callId: callId, channel: channel, detail: "pid \(pid) \(exit.description)")
        }
        let crashed = exit.map { $0 != .exited(0) } ?? true
        slot.crashesInARow = crashed ? slot.crashesInARow + 1 : 0
        if slot.crashesInARow >= Self.crashesBeforeCoolOff {
            slot.failedUntil = .now + Self.coolOff
            slot.crashesInARow = 0
            logger.warning("channel's handler keeps crashing; cooling off", metadata: ["channel": "\(channel)"])
            publish("channel-failed", callId: nil, channel: channel, detail: "handler crashed \(Self.crashesBeforeCoolOff) times in a row")
        }
        channels[index] = Channel(crashesInARow: slot.crashesInARow, failedUntil: slot.failedUntil)
        liveCallsByID[callId] = nil
        updateGauge()
    }

    private func updateGauge() {
        busyGauge.record(channels.filter { $0.callId != nil }.count)
    }

    private func publish(_ kind: String, callId: UUID?, channel: Int?, detail: String) {
        tail.publish(OpsEvent(at: Date(), kind: kind, callId: callId, channel: channel, detail: detail))
    }

    // MARK: OpsControl

    public func status() async -> PoolStatus {
        let now = ContinuousClock.now
        var statuses: [ChannelStatus] = []
        var busy = 0, failed = 0
        for (index, channel) in channels.enumerated() {
            let state: String
            if channel.callId != nil { state = "busy"; busy += 1 }
            else if let until = channel.failedUntil, until > now { state = "failed"; failed += 1 }
            else { state = "idle" }
            statuses.append(ChannelStatus(number: index + 1, state: state, callId: channel.callId, handlerPid: channel.handlerPid, since: channel.since))
        }
        return PoolStatus(state: draining ? "draining" : "running", node: configuration.nodeName, maxChannels: channels.count,
                          busy: busy, free: channels.count - busy - failed, failed: failed,
                          handler: ([configuration.handler.executable] + configuration.handler.arguments).joined(separator: " "),
                          warmHandlers: await resources.warmStatus(), channels: statuses, handlerRestarts: handlerRestarts, lastExits: lastExits)
    }

    public func liveCalls() async -> [LiveCall] {
        liveCallsByID.values.sorted { $0.channel < $1.channel }
    }

    public func drain() async {
        guard !draining else { return }
        draining = true
        publish("drain", callId: nil, channel: nil, detail: "finishing current calls, taking no new ones")
    }

    public func resume() async {
        guard draining else { return }
        draining = false
        publish("resume", callId: nil, channel: nil, detail: "taking calls again")
    }

    public func hangUp(callId: UUID) async -> Bool {
        guard let session = channels.first(where: { $0.callId == callId })?.session else { return false }
        publish("ops-hangup", callId: callId, channel: nil, detail: "hang-up requested by ops")
        await session.stop(cause: "ops-hangup")
        return true
    }

    /// The payer's credit covers `talkSeconds` of the call's conversation (see
    /// `CallSession.limitCredit`). False when the call is not on this node.
    public func limitCredit(callId: UUID, talkSeconds: Int64) async -> Bool {
        guard let session = channels.first(where: { $0.callId == callId })?.session else { return false }
        publish("credit-limited", callId: callId, channel: nil, detail: "credit covers \(talkSeconds) s of conversation")
        await session.limitCredit(talkSeconds: talkSeconds)
        return true
    }

    /// Cancels a call of this node that is not yet connected (still dialling or ringing),
    /// with `cause`; a call already answered is left alone. True when one was cancelled.
    public func cancelPending(callId: UUID, cause: String) async -> Bool {
        guard let live = liveCallsByID[callId], live.phase == "dialling" || live.phase == "ringing",
              let session = channels.first(where: { $0.callId == callId })?.session else { return false }
        publish("call-cancelled", callId: callId, channel: live.channel, detail: cause)
        await session.stop(cause: cause)
        return true
    }

    /// Replaces the warm handlers with new processes (after a new handler was installed).
    public func restartWarmHandlers() async -> Int {
        let restarted = await resources.startWarmHandlers()
        handlerRestarts += restarted
        if restarted > 0 { publish("handlers-restarted", callId: nil, channel: nil, detail: "\(restarted) warm handlers restarted") }
        return restarted
    }

    public nonisolated func eventTail() -> AsyncStream<OpsEvent> { tail.subscribe() }
}
