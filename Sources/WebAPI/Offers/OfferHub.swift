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
public final class OfferHub: Service, Sendable {
    /// Comment lines keep proxies from closing quiet streams.
    static let heartbeatSeconds = 15.0
    /// Pushes buffered per browser before the oldest are dropped (a stalled client).
    static let bufferedPushes = 64

    let log: EventLog
    let logger: Logger
    private let listeners = Mutex<[UUID: [UUID: AsyncStream<OfferPush>.Continuation]]>([:])

    public init(log: EventLog, logger: Logger) {
        self.log = log
        self.logger = logger
    }

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
        while !Task.isCancelled {
            do {
                let start = try await log.horizon()
                for try await batch in log.subscribe(consumer: "offer-hub", from: start) {
                    for event in batch { dispatch(event) }
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("offer hub lost the log; following again", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func dispatch(_ recorded: RecordedEvent) {
        switch recorded.type {
        case CallOffered.eventType:
            if let offer = try? recorded.data.decode(as: CallOffered.self) { send(.offer(offer), to: offer.shopperId) }
        case OfferExpired.eventType:
            if let expired = try? recorded.data.decode(as: OfferExpired.self) { send(.expired(expired), to: expired.shopperId) }
        case CallRequested.eventType where recorded.stream.hasPrefix("call-"):
            if let call = try? recorded.data.decode(as: CallRequested.self) { send(.call(call, status: "requested"), to: call.shopperId) }
        default:
            break
        }
    }

    /// A stream of pushes for one browser; `stop` ends it.
    func listen(_ shopperId: UUID) -> (id: UUID, pushes: AsyncStream<OfferPush>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: OfferPush.self, bufferingPolicy: .bufferingNewest(Self.bufferedPushes))
        listeners.withLock { $0[shopperId, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.stop(shopperId, id) }
        return (id, stream)
    }

    func stop(_ shopperId: UUID, _ id: UUID) {
        let continuation = listeners.withLock { listeners -> AsyncStream<OfferPush>.Continuation? in
            let removed = listeners[shopperId]?.removeValue(forKey: id)
            if listeners[shopperId]?.isEmpty == true { listeners[shopperId] = nil }
            return removed
        }
        continuation?.finish()
    }

    private func send(_ push: OfferPush, to shopperId: UUID) {
        for continuation in listeners.withLock({ Array(($0[shopperId] ?? [:]).values) }) { continuation.yield(push) }
    }

    private func broadcast(_ push: OfferPush) {
        for continuation in listeners.withLock({ $0.values.flatMap(\.values) }) { continuation.yield(push) }
    }

    /// Ends every stream (graceful shutdown).
    func finishAll() {
        for continuation in listeners.withLock({ $0.values.flatMap(\.values) }) { continuation.finish() }
    }
}
