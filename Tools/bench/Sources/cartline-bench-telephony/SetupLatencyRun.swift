import CallHandlers
import Domain
import Engine
import EventLog
import Foundation
import Logging
import NIOPosix
import PostgresNIO
import Synchronization
import Telephony
import TelephonyNode

/// Call set-up latency through a real telephony node on Postgres: from just before the
/// `CallRequested` append to the customer leg's INVITE on the wire (the node's observer
/// hears `.dialling(leg: "customer")` right after it is sent). Baseline: the append alone.
struct SetupLatencyRun {
    var databaseURL: String
    var customer: String
    var calls: Int
    var ratePerSecond: Int
    var handler: String
    var prompts: String

    /// When each call was requested and when its INVITE went out.
    final class Timings: Sendable {
        struct State {
            var requested: [UUID: ContinuousClock.Instant] = [:]
            var handlerStarted: [UUID: ContinuousClock.Instant] = [:]
            var dialled: [UUID: ContinuousClock.Instant] = [:]
        }
        let state = Mutex(State())

        func requested(_ callId: UUID, at instant: ContinuousClock.Instant) { state.withLock { $0.requested[callId] = instant } }
        func dialled(_ callId: UUID) {
            let now = ContinuousClock.now
            state.withLock { state in if state.dialled[callId] == nil { state.dialled[callId] = now } }
        }
        func handlerStarted(_ callId: UUID) {
            let now = ContinuousClock.now
            state.withLock { state in if state.handlerStarted[callId] == nil { state.handlerStarted[callId] = now } }
        }
        var dialledCount: Int { state.withLock { $0.dialled.count } }
        /// Requested → INVITE on the wire, per call.
        var latenciesMilliseconds: [Double] {
            state.withLock { state in
                state.dialled.compactMap { callId, dialled in state.requested[callId].map { Measurements.milliseconds(dialled - $0) } }
            }
        }
        /// Requested → handler process started (claim, plan and spawn), per call.
        var handlerStartMilliseconds: [Double] {
            state.withLock { state in
                state.handlerStarted.compactMap { callId, started in state.requested[callId].map { Measurements.milliseconds(started - $0) } }
            }
        }
    }

    func run() async throws {
        var logger = Logger(label: "bench-telephony")
        logger.logLevel = .error
        guard FileManager.default.isExecutableFile(atPath: handler) else { throw BenchError("\(handler) is not an executable file") }
        let url = try DatabaseURL(databaseURL)
        var poolConfiguration = url.configuration
        poolConfiguration.options.maximumConnections = 20
        let client = PostgresClient(configuration: poolConfiguration, backgroundLogger: logger)
        let log = EventLog(client: client, logger: logger)

        var configuration = TelephonyConfiguration(nodeName: "bench-setup", maxChannels: min(calls, 2_000),
                                                   handler: HandlerSpec(executable: handler), promptsDirectory: URL(fileURLWithPath: prompts))
        var limits = HandlerLimits()
        limits.terminateGrace = .milliseconds(500)
        configuration.handlerLimits = limits
        let pool = ChannelPool(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let timings = Timings()
        // The handler dials the customer, greets and dials the agent; the call is hung up
        // as soon as the customer answers: only its set-up is measured.
        let node = TelephonyNodeService(pool: pool, log: log, store: AggregateStore(log: log),
                                        vault: PersonalDataVault(log: log, sealingKey: SecretKey(), sealingKeyID: "bench"),
                                        logger: logger) { callId, progress in
            switch progress {
            case .handlerStarted: timings.handlerStarted(callId)
            case .dialling(leg: "customer"): timings.dialled(callId)
            case .answered: Task { _ = await pool.hangUp(callId: callId) }
            default: break
            }
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { try await log.run() }
            let nodeTask = Task { try await node.run() }
            defer { group.cancelAll() }
            let started = ContinuousClock.now
            while node.boundSIPPort == nil {
                guard ContinuousClock.now < started + .seconds(30) else {
                    nodeTask.cancel()
                    throw BenchError("the telephony node did not start within 30 s")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(500))  // the node's subscription is following the log

            var appendMilliseconds: [Double] = []
            let rampStarted = ContinuousClock.now
            for index in 0..<calls {
                try await ContinuousClock().sleep(until: rampStarted + .milliseconds(index * 1_000 / ratePerSecond))
                let callId = UUID()
                let call = CallRequested(callId: callId, offerId: nil, cartId: UUID(), shopperId: UUID(), merchantId: "bench-shop",
                                         mode: .voip, destination: "sip:shopper@\(customer)", agentName: "Dana",
                                         agentSipUri: "sip:dana@\(customer)", at: Date())
                let event = try CallEvent.requested(call).encodedForLog().newEvent(id: UUID())
                let before = ContinuousClock.now
                timings.requested(callId, at: before)
                _ = try await log.append(to: .call(callId), [event], expected: .noStream)
                appendMilliseconds.append(Measurements.milliseconds(ContinuousClock.now - before))
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while timings.dialledCount < calls, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .seconds(2))  // the last calls' hang-ups
            nodeTask.cancel()
            _ = try? await nodeTask.value

            let latencies = timings.latenciesMilliseconds
            result("setup_count", Double(latencies.count))
            result("setup_requested", Double(calls))
            result("setup_p50_ms", Measurements.quantile(latencies, 0.50))
            result("setup_p99_ms", Measurements.quantile(latencies, 0.99))
            let handlerStarts = timings.handlerStartMilliseconds
            result("setup_handler_started_p50_ms", Measurements.quantile(handlerStarts, 0.50))
            result("setup_handler_started_p99_ms", Measurements.quantile(handlerStarts, 0.99))
            result("append_p50_ms", Measurements.quantile(appendMilliseconds, 0.50))
            result("append_p99_ms", Measurements.quantile(appendMilliseconds, 0.99))
        }
    }
}
