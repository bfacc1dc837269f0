import Foundation
import Synchronization
import Telephony

/// An `OpsControl` that records what the ops API asked of it: only for testing the HTTP layer
/// and the CLI (a real node is tested elsewhere).
actor OpsTestControl: OpsControl {
    static let busyCallId = UUID(uuidString: "5c6e0b9a-3f1d-4c47-9a55-0d2b8e7f1a10")!
    static let since = Date(timeIntervalSince1970: 1_795_000_000.125)

    private var pool: PoolStatus
    private var calls: [LiveCall]
    private(set) var drains = 0
    private(set) var resumes = 0
    private(set) var hangUps: [UUID] = []
    private(set) var restarts = 0
    nonisolated let tail: OpsTestTail

    init(finiteTail: [OpsEvent]? = nil) {
        tail = OpsTestTail(finite: finiteTail)
        pool = PoolStatus(
            state: "running", node: "ops-test", maxChannels: 3, busy: 1, free: 1, failed: 1, handler: "cartline-call-handler",
            warmHandlers: WarmHandlersStatus(target: 2, ready: 2, restarts: 0, failedUntil: nil),
            channels: [
                ChannelStatus(number: 1, state: "busy", callId: Self.busyCallId, handlerPid: 4242, since: Self.since),
                ChannelStatus(number: 2, state: "idle", callId: nil, handlerPid: nil, since: nil),
                ChannelStatus(number: 3, state: "failed", callId: nil, handlerPid: nil, since: Self.since),
            ],
            handlerRestarts: 3,
            lastExits: [HandlerExitRecord(pid: 4100, channel: 3, callId: nil, status: "signal 9", at: Self.since)])
        calls = [LiveCall(callId: Self.busyCallId, channel: 1, phase: "bridged", mode: "agent", handlerPid: 4242,
                          startedAt: Self.since, answeredAt: Self.since.addingTimeInterval(2.5))]
    }

    func status() -> PoolStatus { pool }
    func liveCalls() -> [LiveCall] { calls }

    func drain() {
        drains += 1
        pool.state = "draining"
    }

    func resume() {
        resumes += 1
        pool.state = "running"
    }

    func hangUp(callId: UUID) -> Bool {
        hangUps.append(callId)
        return calls.contains { $0.callId == callId }
    }

    func restartWarmHandlers() -> Int {
        restarts += 1
        return pool.warmHandlers?.target ?? 0
    }

    nonisolated func eventTail() -> AsyncStream<OpsEvent> { tail.subscribe() }
}

/// The test node's event tail: each subscriber gets what `emit` sends from then on (or, when
/// `finite` is set, those events and the end of the stream).
final class OpsTestTail: Sendable {
    private let finite: [OpsEvent]?
    private let subscribers = Mutex<[UUID: AsyncStream<OpsEvent>.Continuation]>([:])

    init(finite: [OpsEvent]?) {
        self.finite = finite
    }

    func subscribe() -> AsyncStream<OpsEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: OpsEvent.self, bufferingPolicy: .bufferingNewest(64))
        if let finite {
            for event in finite { continuation.yield(event) }
            continuation.finish()
            return stream
        }
        let id = UUID()
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    var subscriberCount: Int { subscribers.withLock { $0.count } }

    func emit(_ event: OpsEvent) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(event) }
    }

    /// Waits (at most `timeout`) until `count` clients listen.
    func waitForSubscribers(_ count: Int, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while subscriberCount < count {
            guard ContinuousClock.now < deadline else { throw OpsTestError.timedOut("\(count) event tail subscribers") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

enum OpsTestError: Error, CustomStringConvertible {
    case timedOut(String)
    case noBinary(String)

    var description: String {
        switch self {
        case .timedOut(let what): "timed out waiting for \(what)"
        case .noBinary(let paths): "cartline-ops not found at \(paths); build it first"
        }
    }
}

extension OpsEvent {
    static func opsSample(_ kind: String, channel: Int? = 1, detail: String = "") -> OpsEvent {
        OpsEvent(at: OpsTestControl.since, kind: kind, callId: OpsTestControl.busyCallId, channel: channel, detail: detail)
    }
}
