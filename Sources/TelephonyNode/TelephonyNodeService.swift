import Domain
import Engine
import EventLog
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Telephony

/// The telephony role: claims requested calls from the log, runs them on this node's
/// channel pool, and appends what happened. It coordinates with everything else only
/// through the log:
/// - a call is claimed by appending `ChannelAssigned` at the call stream's version 2 —
///   exactly one node wins, the others move on;
/// - new calls are seen within milliseconds by following the log, and every second a sweep
///   looks in `live_calls` for calls nobody has claimed (requested while nodes were full or
///   down); a call nobody could place within `unclaimedCallTimeout` fails `no-channel`;
/// - on start the node ends the calls it had claimed and not finished (`node-restarted`),
///   and the calls of nodes that are gone (`node-lost`);
/// - the node announces its channels (`NodeAnnounced`) and says when it drains, resumes
///   and stops; whether it is alive is its Postgres session lock (`NodeLiveness`).
public final class TelephonyNodeService: Service, Sendable {
    static let sweepInterval: Duration = .seconds(1)
    static let unclaimedCallTimeout: TimeInterval = 120

    public let pool: ChannelPool
    let log: EventLog
    let store: AggregateStore
    let planner: CallPlanner
    let clock: any WallClock
    let logger: Logger
    let capacity: TelephonyCapacity
    private let running = Mutex<[UUID: Task<Void, Never>]>([:])
    /// Calls this node is claiming now: the log follower and the sweep may both see a call,
    /// and the claim's event id is the same for both, so only one of them may try.
    private let claiming = Mutex<Set<UUID>>([])
    private let observer: (@Sendable (UUID, CallProgress) -> Void)?
    private let sipPort = Mutex<Int?>(nil)

    /// `observer` hears every call's progress as it happens (benchmarks time call set-up with it).
    public init(pool: ChannelPool, log: EventLog, store: AggregateStore, vault: PersonalDataVault,
                clock: any WallClock = SystemClock(), logger: Logger, observer: (@Sendable (UUID, CallProgress) -> Void)? = nil) {
        self.observer = observer
        self.pool = pool
        self.log = log
        self.store = store
        self.planner = CallPlanner(store: store, vault: vault)
        self.clock = clock
        self.logger = logger
        self.capacity = TelephonyCapacity(log: log)
    }

    var node: String { pool.configuration.nodeName }

    /// The SIP port once the node has started.
    public var boundSIPPort: Int? { sipPort.withLock { $0 } }

    /// What ops may see and do: the pool's controls, with drain and resume recorded in the log.
    public var opsControl: any OpsControl { NodeOpsControl(service: self) }

    public func run() async throws {
        try await NodeLiveness(log: log, node: node, logger: logger).whileAlive {
            // Follow from before the node says it is up, so no call requested after that is
            // left to the (slower) sweep.
            let followFrom = try await self.log.horizon()
            let port = try await self.pool.start()
            self.sipPort.withLock { $0 = port }
            self.logger.notice("telephony node started", metadata: ["node": "\(self.node)", "sip-port": "\(port)",
                                                                    "channels": "\(self.pool.configuration.maxChannels)"])
            await self.announce(.announced(NodeAnnounced(node: self.node, maxChannels: self.pool.configuration.maxChannels,
                                                         address: "\(self.pool.configuration.sipBindHost):\(port)", at: self.clock.now())))
            await self.endAbandonedCalls()
            do {
                try await cancelWhenGracefulShutdown {
                    try await withThrowingDiscardingTaskGroup { group in
                        group.addTask { try await self.follow(from: followFrom) }
                        group.addTask { try await self.sweepForever() }
                    }
                }
            } catch is CancellationError {}
            await self.stop()
        }
    }

    /// Graceful stop: take no new calls, end the live ones, record it.
    private func stop() async {
        await pool.drain()
        await pool.shutdown()
        let tasks = running.withLock { Array($0.values) }
        for task in tasks { await task.value }
        await announce(.stopped(NodeStopped(node: node, at: clock.now())))
        logger.notice("telephony node stopped", metadata: ["node": "\(node)"])
    }

    // MARK: Claiming

    private func follow(from first: LogPosition) async throws {
        var from: LogPosition? = first
        while !Task.isCancelled {
            do {
                let start: LogPosition
                if let from { start = from } else { start = try await log.horizon() }
                from = nil  // after a lost connection: from the horizon again; the sweep finds what was missed
                for try await batch in log.subscribe(consumer: "telephony-node:\(node)", from: start) {
                    for recorded in batch {
                        if recorded.type == CallRequested.eventType && recorded.stream.hasPrefix("call-") {
                            guard recorded.streamVersion == 1, let call = try? recorded.data.decode(as: CallRequested.self) else { continue }
                            // Claims of one batch go side by side (each first reserves a channel,
                            // so at most `maxChannels` are under way), and the next batch is not
                            // held up by them.
                            Task { await self.claim(call) }
                        } else if recorded.type == CallCancelRequested.eventType && recorded.stream.hasPrefix("call-"),
                                  let cancel = try? recorded.data.decode(as: CallCancelRequested.self) {
                            // The shopper cancelled a call still dialling or ringing: if it is
                            // on this node, hang up (its CallFailed says `shopper-cancelled`).
                            _ = await pool.cancelPending(callId: cancel.callId, cause: "shopper-cancelled")
                        } else if recorded.type == CallCreditLimited.eventType,
                                  let limit = try? recorded.data.decode(as: CallCreditLimited.self) {
                            // Charging sized the shopper's hold: end the call when it is spent.
                            _ = await pool.limitCredit(callId: limit.callId, talkSeconds: limit.talkSeconds)
                        } else if recorded.type == CheckoutCompleted.eventType && recorded.stream.hasPrefix("cart-"),
                                  let cartId = UUID(uuidString: String(recorded.stream.dropFirst(5))) {
                            await cancelPendingCall(ofCart: cartId)
                        }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("telephony node lost the log; following again", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func sweepForever() async throws {
        while !Task.isCancelled {
            do { try await sweep() } catch is CancellationError { return } catch {
                logger.warning("sweep for unclaimed calls failed", metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: Self.sweepInterval)
        }
    }

    /// Claims calls nobody has claimed, oldest first, as many as there are free channels;
    /// fails those that waited too long.
    func sweep() async throws {
        let free = await pool.freeChannels
        let client = log.client
        let logger = self.logger
        let waiting: [(UUID, Date)] = try await log.run("find unclaimed calls") {
            let rows = try await client.query("""
                SELECT call_id, requested_at FROM live_calls WHERE node IS NULL ORDER BY requested_at LIMIT \(max(free, 0) + 16)
                """, logger: logger)
            var found: [(UUID, Date)] = []
            for try await row in rows.decode((UUID, Date).self) { found.append(row) }
            return found
        }
        let now = clock.now()
        var claimable = free
        for (callId, requestedAt) in waiting {
            if now.timeIntervalSince(requestedAt) > Self.unclaimedCallTimeout {
                await failUnclaimed(callId, reason: "no-channel")  // its append at version 1 is the check
                continue
            }
            guard claimable > 0 else { continue }
            let events = try await log.read(stream: .call(callId), limit: 2)
            guard events.count == 1, let first = events.first, first.type == CallRequested.eventType,
                  let call = try? first.data.decode(as: CallRequested.self) else { continue }
            claimable -= 1
            await claim(call)
        }
    }

    /// Claims the call for a free channel of this node and starts it; does nothing when
    /// the node is full or draining, or another node was first.
    func claim(_ call: CallRequested) async {
        let callId = call.callId
        guard claiming.withLock({ $0.insert(callId).inserted }) else { return }
        defer { claiming.withLock { _ = $0.remove(callId) } }
        if running.withLock({ $0[callId] != nil }) { return }
        guard let channel = await pool.reserve(callId: callId) else { return }
        let assigned = CallEvent.channelAssigned(ChannelAssigned(callId: callId, node: node, channel: channel, handlerPid: nil, at: clock.now()))
        // The plan (the cart, the opened destination) is read while the claim commits: both
        // are on the way from the request to the INVITE.
        let planner = self.planner
        let planning = Task { try await planner.plan(call) }
        do {
            let event = try assigned.encodedForLog().newEvent(id: EventIDs.callEvent(callId, "assigned:\(node)"))
            _ = try await log.append(to: .call(callId), [event], expected: .exact(1))
        } catch EventLogError.wrongExpectedVersion {
            planning.cancel()
            await pool.release(channel: channel)  // another node claimed it (or it is over)
            return
        } catch {
            planning.cancel()
            await pool.release(channel: channel)
            logger.warning("could not claim a call", metadata: ["call": "\(callId)", "error": "\(error)"])
            return
        }
        let recorder = CallRecorder(callId: callId, agentName: call.agentName, claimedAtVersion: 2, log: log, logger: logger)
        let plan: CallPlan
        do {
            plan = try await planning.value
        } catch {
            logger.warning("call destination unreadable", metadata: ["call": "\(callId)", "error": "\(error)"])
            await recorder.record(.failed(reason: "destination-unreadable", sipStatus: nil), at: clock.now())
            await pool.release(channel: channel)
            return
        }
        let pool = self.pool
        let clock = self.clock
        let observer = self.observer
        let task = Task {
            await pool.run(plan, on: channel) { progress in
                observer?(callId, progress)
                await recorder.record(progress, at: clock.now())
            }
            self.running.withLock { _ = $0.removeValue(forKey: callId) }
        }
        running.withLock { $0[callId] = task }
    }

    // MARK: Honest endings

    /// The shopper completed the purchase: a call of the cart's that is not yet connected is
    /// cancelled (`cart-completed`) — on this node when it runs here, or before any node
    /// claimed it. A call already answered goes on: the shopper may be buying with the agent.
    private func cancelPendingCall(ofCart cartId: UUID) async {
        do {
            guard let call = try await store.load(EngagementAggregate.self, .engagement(cartId)).state.call else { return }
            if await pool.cancelPending(callId: call.callId, cause: "cart-completed") { return }
            await failUnclaimed(call.callId, reason: "cart-completed")  // claimed already: its node decides
        } catch {
            logger.info("pending call of a completed cart not cancelled here", metadata: ["cart": "\(cartId)", "error": "\(error)"])
        }
    }

    /// Calls this node claimed before it restarted, and calls of nodes that are gone.
    private func endAbandonedCalls() async {
        do {
            let alive = Set(try await capacity.aliveNodes())
            let client = log.client
            let logger = self.logger
            let claimed: [(UUID, String)] = try await log.run("find abandoned calls") {
                let rows = try await client.query("SELECT call_id, node FROM live_calls WHERE node IS NOT NULL LIMIT 10000", logger: logger)
                var found: [(UUID, String)] = []
                for try await row in rows.decode((UUID, String).self) { found.append(row) }
                return found
            }
            for (callId, owner) in claimed where owner == node || !alive.contains(owner) {
                if running.withLock({ $0[callId] != nil }) { continue }
                await failAbandoned(callId, owner: owner, reason: owner == node ? "node-restarted" : "node-lost")
            }
        } catch {
            logger.warning("could not look for abandoned calls", metadata: ["error": "\(error)"])
        }
    }

    private func failAbandoned(_ callId: UUID, owner: String, reason: String) async {
        do {
            let loaded = try await store.load(CallAggregate.self, .call(callId))
            guard !loaded.state.isFinished, loaded.state.node == owner else { return }
            let failed = CallEvent.failed(CallFailed(callId: callId, reason: reason, sipStatus: nil, at: clock.now()))
            let event = try failed.encodedForLog().newEvent(id: EventIDs.callEvent(callId, "outcome"))
            _ = try await log.append(to: .call(callId), [event], expected: .exact(loaded.version))
            logger.notice("ended an abandoned call", metadata: ["call": "\(callId)", "reason": "\(reason)"])
        } catch {
            logger.info("abandoned call not ended here", metadata: ["call": "\(callId)", "error": "\(error)"])
        }
    }

    private func failUnclaimed(_ callId: UUID, reason: String) async {
        let failed = CallEvent.failed(CallFailed(callId: callId, reason: reason, sipStatus: nil, at: clock.now()))
        do {
            let event = try failed.encodedForLog().newEvent(id: EventIDs.callEvent(callId, "outcome"))
            _ = try await log.append(to: .call(callId), [event], expected: .exact(1))
        } catch {
            logger.info("unclaimed call not failed here", metadata: ["call": "\(callId)", "error": "\(error)"])
        }
    }

    func announce(_ event: TelephonyNodeEvent) async {
        do {
            let stream = try StreamName.telephonyNode(node)
            _ = try await log.append(to: stream, [try event.encodedForLog().newEvent(id: UUID())], expected: .any)
        } catch {
            logger.warning("could not record the node's state", metadata: ["error": "\(error)"])
        }
    }
}
