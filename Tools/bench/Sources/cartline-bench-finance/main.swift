// cartline-bench-finance: the finance benchmark's two Swift steps, run by Tools/bench/finance
// (which times `cartline-finance replay` beside COPY in the same run). Prints `RESULT <name>
// <value>` lines for the script.
//
//   cartline-bench-finance generate DATABASE_URL EVENTS   realistic traffic until EVENTS events
//   cartline-bench-finance charging DATABASE_URL CALLS    the charging saga over CALLS ended calls,
//                                                          beside batched appends of as many events
import Billing
import Domain
import Engine
import EventLog
import Foundation
import Logging
import PostgresNIO

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]), count > 0, ["generate", "charging"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: cartline-bench-finance generate|charging DATABASE_URL COUNT\n".utf8))
    exit(2)
}
let logger: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}()
let configuration = try {
    var configuration = try DatabaseURL(arguments[2]).configuration
    configuration.options.maximumConnections = 40
    return configuration
}()
let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
let log = EventLog(client: client, logger: logger)

/// Appends what the generator gathered, in bulk; fails loudly on any refusal.
func flush(_ generator: inout TrafficGenerator) async throws -> Int {
    let requests = generator.drain()
    let results = await log.append(requests)
    for result in results { _ = try result.get() }
    return requests.reduce(0) { $0 + $1.events.count }
}

/// Realistic traffic until `events` are in the log.
func generate(events: Int) async throws {
    var generator = try TrafficGenerator(seed: 0xF1A4_2026, start: Date(timeIntervalSince1970: 1_788_220_800))  // 2026-09-01
    var written = 0
    let started = ContinuousClock.now
    while written < events {
        try generator.visit()
        if generator.pendingCount >= 3_000 { written += try await flush(&generator) }
    }
    written += try await flush(&generator)
    print("RESULT generated_events \(written)")
    print("RESULT generate_seconds \((ContinuousClock.now - started).seconds)")
}

/// The charging saga over `calls` ended shopper-paid calls (their wallets topped up), and
/// batched appends of as many single events, in the same run: postings per second beside
/// the log's own batched rate.
func charging(calls: Int) async throws {
    let eur = try Currency("EUR")
    let terms = ChargeTerms(payer: .shopper, currency: eur, perMinuteMicros: 120_000, billingIncrementSeconds: 6, setupFeeMicros: 0,
                            minimumChargeMicros: 0, platformFeeBasisPoints: 1_000)
    let store = AggregateStore(log: log)
    var requests: [AppendRequest] = []
    let now = Date()
    for index in 0..<calls {
        let shopperId = UUID(), callId = UUID()
        let topUp = try Wallet.topUp(shopperId: shopperId, postingId: "topup:\(shopperId)", amountMicros: 10_000_000, currency: eur,
                                     state: WalletState(), now: now)
        requests.append(AppendRequest(stream: .wallet(shopperId), events: try topUp.map { try $0.encodedForLog().newEvent(id: UUID()) }, expected: .noStream))
        let request = CallRequested(callId: callId, offerId: nil, cartId: UUID(), shopperId: shopperId, merchantId: "shop", mode: .voip,
                                    destination: "sip:a@127.0.0.1", agentName: "Dana", agentSipUri: "sip:dana@127.0.0.1", at: now, charge: terms)
        let events: [CallEvent] = [
            .requested(request), .answered(CallAnswered(callId: callId, at: now)),
            .ended(CallEnded(callId: callId, cause: "customer-hangup", sipStatus: nil, answeredMilliseconds: 60_000,
                             billableMilliseconds: Int64(20_000 + index % 300_000), at: now.addingTimeInterval(60))),
        ]
        requests.append(AppendRequest(stream: .call(callId), events: try events.map { try $0.encodedForLog().newEvent(id: UUID()) }, expected: .noStream))
        if requests.count >= 2_000 {
            for result in await log.append(requests) { _ = try result.get() }
            requests = []
        }
    }
    for result in await log.append(requests) { _ = try result.get() }

    // The saga over the backlog, batch by batch as its leader would (without the checkpoint
    // transaction, which the projector benchmark already covers).
    let saga = ChargingSagaConsumer(store: store, logger: logger)
    let sagaStarted = ContinuousClock.now
    var position = LogPosition.start
    while true {
        let batch = try await log.readAll(after: position, limit: 1_000)
        guard let last = batch.last else { break }
        try await client.withConnection { connection in try await saga.apply(batch, connection: connection, logger: logger) }
        position = last.position
    }
    let sagaSeconds = (ContinuousClock.now - sagaStarted).seconds
    let rows = try await client.query("SELECT count(*) FROM events WHERE event_type IN ('HoldPlaced', 'HoldPosted', 'CallCreditLimited')")
    var postings = 0
    for try await count in rows.decode(Int.self) { postings = count }
    print("RESULT charging_postings \(postings)")
    print("RESULT charging_postings_per_second \(Double(postings) / sagaSeconds)")

    // Baseline: the same number of single events in bulk appends.
    let payload = try JSONPayload(encoding: ["sku": "SKU-12345", "quantity": "2"])
    let batchedStarted = ContinuousClock.now
    var appended = 0
    while appended < postings {
        let size = min(8_000, postings - appended)
        let bulk = try (0..<size).map { _ in
            AppendRequest(stream: try StreamName("bulk-\(UUID().uuidString)"), events: [NewEvent(type: "ItemAdded", data: payload)], expected: .noStream)
        }
        for result in await log.append(bulk) { _ = try result.get() }
        appended += size
    }
    print("RESULT batched_appends_per_second \(Double(appended) / (ContinuousClock.now - batchedStarted).seconds)")
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { await client.run() }
    group.addTask { try await log.run() }
    defer { group.cancelAll() }
    if arguments[1] == "generate" { try await generate(events: count) } else { try await charging(calls: count) }
}
