import Domain
import Engine
import EventLog
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Fans the log out to the browsers connected to this process: every `cartline serve`
/// follows the log itself (from the horizon at start, no checkpoint), so an offer reaches
/// the shopper's open stream whichever process it is connected to.
///
/// Calls: each event of a `call-<id>` stream is pushed as the call's state folded up to
/// that event. Only `CallRequested` names the shopper, so the hub keeps the calls it has
/// seen (`RecentCalls`, bounded) and reads the stream of one it has not (the process
/// started later, or the call was dropped from the bound) — calls are a handful of events.
public final class OfferHub: Service, Sendable {
    /// Comment lines keep proxies from closing quiet streams.
    static let heartbeatSeconds = 15.0
    /// Pushes buffered per browser before the oldest are dropped (a stalled client).
    static let bufferedPushes = 64
    /// Calls whose shopper and state the hub remembers.
    static let followedCalls = 10_000
    /// Longest call stream the hub reads to find a call's state; calls have about seven events.
    static let maxCallEvents = 100

    /// How many streams may be open: per shopper (tabs) and in all, on this process.
    public struct Limits: Sendable, Equatable {
        public var perShopper: Int
        public var total: Int

        public init(perShopper: Int = 8, total: Int = 10_000) {
            self.perShopper = perShopper
            self.total = total
        }
    }

    /// Why a stream was not opened.
    enum Refusal: Error, Equatable {
        case tooManyInAll(Int)
    }

    /// One open stream; `opened` orders a shopper's streams, oldest first.
    private struct Listener {
        let opened: UInt64
        let continuation: AsyncStream<OfferPush>.Continuation
    }

    /// The open streams by shopper, and how many in all (kept with them, under one lock).
    private struct Listeners {
        var byShopper: [UUID: [UUID: Listener]] = [:]
        var count = 0
        var opened: UInt64 = 0
    }

    let log: EventLog
    let logger: Logger
    let limits: Limits
    private let listeners = Mutex(Listeners())
    private let following = Atomic<Bool>(false)

    /// Whether the hub follows the log now: what is appended from here on is pushed.
    public var isFollowing: Bool { following.load(ordering: .acquiring) }

    public init(log: EventLog, logger: Logger, limits: Limits = Limits()) {
        self.log = log
        self.logger = logger
        self.limits = limits
    }

    /// Streams open on this process now.
    public var openStreams: Int { listeners.withLock { $0.count } }

    /// Follows the log and beats the heartbeat until graceful shutdown, then ends every
    /// open stream so the server can drain.
    public func run() async throws {
        defer { finishAll() }
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await self.follow() }
                    group.addTask {
                        while true {
                            try await Task.sleep(for: .seconds(Self.heartbeatSeconds))
                            self.broadcast(.heartbeat)
                        }
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }

    private func follow() async throws {
        // Owned by this loop alone: no lock. A fold behind after a lost log is caught by its version.
        var calls = RecentCalls(capacity: Self.followedCalls)
        while !Task.isCancelled {
            do {
                let start = try await log.horizon()
                following.store(true, ordering: .releasing)
                defer { following.store(false, ordering: .releasing) }
                for try await batch in log.subscribe(consumer: "offer-hub", from: start) {
                    for event in batch { await dispatch(event, calls: &calls) }
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("offer hub lost the log; following again", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func dispatch(_ recorded: RecordedEvent, calls: inout RecentCalls) async {
        switch recorded.type {
        case CallOffered.eventType:
            if let offer = try? recorded.data.decode(as: CallOffered.self) { send(.offer(offer), to: offer.shopperId) }
        case OfferExpired.eventType:
            if let expired = try? recorded.data.decode(as: OfferExpired.self) { send(.expired(expired), to: expired.shopperId) }
        case OfferDeclined.eventType:
            if let declined = try? recorded.data.decode(as: OfferDeclined.self), let shopperId = declined.shopperId {
                send(.declined(offerId: declined.offerId), to: shopperId)
            }
        default:
            if recorded.stream.hasPrefix(Self.callStreamPrefix) { await followCall(recorded, calls: &calls) }
        }
    }

    private static let callStreamPrefix = "call-"
    private static let callEventTypes: Set<String> = [
        CallRequested.eventType, ChannelAssigned.eventType, CallRinging.eventType, CallAnswered.eventType,
        AgentBridged.eventType, CallEnded.eventType, CallFailed.eventType, CallCancelRequested.eventType,
    ]

    /// Folds a call event onto what the hub knows of the call (or reads the stream up to
    /// it) and pushes the state to the call's shopper.
    private func followCall(_ recorded: RecordedEvent, calls: inout RecentCalls) async {
        guard let callId = UUID(uuidString: String(recorded.stream.dropFirst(Self.callStreamPrefix.count))) else { return }
        let state: CallState
        // An event this build does not know (a newer node's): the call stands as it was.
        guard Self.callEventTypes.contains(recorded.type) else {
            if let known = calls.get(callId), known.version == recorded.streamVersion - 1 {
                calls.put(callId, state: known.state, version: recorded.streamVersion)
            }
            return
        }
        do {
            let event = try CallEvent(recorded: recorded)
            if let known = calls.get(callId), known.version == recorded.streamVersion - 1 {
                state = Call.evolve(known.state, event)
            } else if recorded.streamVersion == 1 {
                state = Call.evolve(CallState(), event)
            } else {
                // No browser on this process: nobody to read the stream for.
                guard listeners.withLock({ $0.count > 0 }) else { return }
                state = try await callState(callId, upTo: recorded.streamVersion)
            }
        } catch {
            logger.warning("offer hub cannot follow a call", metadata: ["stream": "\(recorded.stream)", "error": "\(error)"])
            return
        }
        // Nothing follows a finished call: it leaves room for the next.
        if state.isFinished { calls.remove(callId) } else { calls.put(callId, state: state, version: recorded.streamVersion) }
        if let shopperId = state.request?.shopperId, let view = CallView(state) { send(.call(view), to: shopperId) }
    }

    /// The call's state folded from its stream up to `version` (inclusive).
    private func callState(_ callId: UUID, upTo version: Int64) async throws -> CallState {
        guard version <= Int64(Self.maxCallEvents) else {
            throw EngineError.streamTooLong(stream: StreamName.call(callId).rawValue, limit: Self.maxCallEvents)
        }
        let events = try await log.read(stream: .call(callId), from: 1, limit: Int(version))
        return try events.filter { Self.callEventTypes.contains($0.type) }
            .reduce(CallState()) { state, recorded in Call.evolve(state, try CallEvent(recorded: recorded)) }
    }

    /// A stream of pushes for one browser; `stop` ends it. A shopper past their share gives
    /// up their oldest stream for the new one — a tab closed a moment ago (whose close the
    /// server may not have seen yet) or one long in the background — so reloading never locks
    /// a shopper out; past the server's total, a new stream is refused.
    func listen(_ shopperId: UUID) throws(Refusal) -> (id: UUID, pushes: AsyncStream<OfferPush>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: OfferPush.self, bufferingPolicy: .bufferingNewest(Self.bufferedPushes))
        let outcome = listeners.withLock { listeners -> Result<AsyncStream<OfferPush>.Continuation?, Refusal> in
            var evicted: AsyncStream<OfferPush>.Continuation?
            var mine = listeners.byShopper[shopperId] ?? [:]
            if mine.count >= limits.perShopper, let oldest = mine.min(by: { $0.value.opened < $1.value.opened }) {
                evicted = mine.removeValue(forKey: oldest.key)?.continuation
                listeners.count -= 1
            } else if listeners.count >= limits.total {
                return .failure(.tooManyInAll(limits.total))
            }
            listeners.opened += 1
            mine[id] = Listener(opened: listeners.opened, continuation: continuation)
            listeners.byShopper[shopperId] = mine
            listeners.count += 1
            return .success(evicted)
        }
        switch outcome {
        case .failure(let refusal):
            continuation.finish()
            throw refusal
        case .success(let evicted):
            evicted?.finish()
        }
        continuation.onTermination = { [weak self] _ in self?.stop(shopperId, id) }
        return (id, stream)
    }

    func stop(_ shopperId: UUID, _ id: UUID) {
        let continuation = listeners.withLock { listeners -> AsyncStream<OfferPush>.Continuation? in
            guard let removed = listeners.byShopper[shopperId]?.removeValue(forKey: id) else { return nil }
            listeners.count -= 1
            if listeners.byShopper[shopperId]?.isEmpty == true { listeners.byShopper[shopperId] = nil }
            return removed.continuation
        }
        continuation?.finish()
    }

    private func send(_ push: OfferPush, to shopperId: UUID) {
        for listener in listeners.withLock({ Array(($0.byShopper[shopperId] ?? [:]).values) }) { listener.continuation.yield(push) }
    }

    private func broadcast(_ push: OfferPush) {
        for listener in listeners.withLock({ $0.byShopper.values.flatMap(\.values) }) { listener.continuation.yield(push) }
    }

    /// Ends every stream (graceful shutdown).
    func finishAll() {
        for listener in listeners.withLock({ $0.byShopper.values.flatMap(\.values) }) { listener.continuation.finish() }
    }
}
