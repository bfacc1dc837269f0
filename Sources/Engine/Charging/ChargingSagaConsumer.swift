import Billing
import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// The charging saga: follows the calls' events and turns them into postings, by who pays
/// (the terms `CallRequested` recorded):
/// - the shopper: `CallAnswered` holds the call's expected cost on the wallet (or what the
///   wallet has) and limits the call to what that pays for; `CallEnded` posts the metered
///   charge from the hold and releases the rest; `CallFailed` releases it;
/// - the merchant (an ASP charge) or a sponsor: `CallEnded` posts the metered charge to
///   `charges-<callId>`.
///
/// Exactly once: each posting's ids derive from the call and what caused it, the wallet's
/// decisions are made on its fold and appended at the version read, and a charge stream is
/// written once (`noStream`), so a batch processed again — a crash before the checkpoint, a
/// second process, a replay — posts nothing twice and misses nothing.
public struct ChargingSagaConsumer: LogConsumer {
    public static let sagaName = "charging_saga"
    public static let checkpointName = "saga:\(sagaName)"
    public var name: String { Self.sagaName }
    public var consumer: String { Self.checkpointName }

    /// Calls charged at once within a batch: each call's postings are independent.
    static let concurrentCalls = 16

    let store: AggregateStore
    let logger: Logger

    public init(store: AggregateStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        var causes: [(callId: UUID, event: CallEvent)] = []
        for recorded in events where recorded.stream.hasPrefix("call-") {
            switch recorded.type {
            case CallAnswered.eventType, CallEnded.eventType, CallFailed.eventType:
                guard let callId = UUID(uuidString: String(recorded.stream.dropFirst(5))),
                      let event = try? CallEvent(recorded: recorded) else { continue }
                causes.append((callId, event))
            default:
                continue
            }
        }
        guard !causes.isEmpty else { return }
        // One call's events stay in order (answered before ended); different calls go side by side.
        let byCall = Dictionary(grouping: causes, by: \.callId)
        try await forEachConcurrently(Array(byCall.values), limit: Self.concurrentCalls) { callEvents in
            for cause in callEvents { try await charge(cause.callId, cause.event) }
        }
    }

    /// Charges one call event.
    func charge(_ callId: UUID, _ event: CallEvent) async throws {
        guard let request = try await store.load(CallAggregate.self, .call(callId)).state.request,
              let terms = request.charge else { return }  // a call requested before charging existed is not billed
        do {
            switch (terms.payer, event) {
            case (.shopper, .answered(let answered)):
                try await store.execute(WalletAggregate.self, .wallet(request.shopperId), eventIDs: .derived(from: "charging:hold:\(callId)")) { state in
                    try Wallet.holdForCall(callId, shopperId: request.shopperId, merchantId: request.merchantId, terms: terms,
                                           state: state, now: answered.at)
                }
            case (.shopper, .ended(let ended)):
                try await store.execute(WalletAggregate.self, .wallet(request.shopperId), eventIDs: .derived(from: "charging:post:\(callId)")) { state in
                    try Wallet.settleCall(callId, billableMilliseconds: ended.billableMilliseconds, shopperId: request.shopperId,
                                          merchantId: request.merchantId, terms: terms, state: state, now: ended.at)
                }
            case (.shopper, .failed(let failed)):
                try await store.execute(WalletAggregate.self, .wallet(request.shopperId), eventIDs: .derived(from: "charging:void:\(callId)")) { state in
                    try Wallet.releaseCall(callId, reason: "call-failed:\(failed.reason)", state: state, now: failed.at)
                }
            case (.merchant, .ended(let ended)), (.sponsor, .ended(let ended)):
                try await postThirdPartyCharge(request, terms: terms, ended: ended)
            default:
                return
            }
        } catch let error as LedgerError {
            // A decision the ledger refuses cannot succeed on a retry either: say so loudly and
            // go on, so one bad call does not stop every charge behind it (reconcile lists it).
            logger.error("charging refused a call event", metadata: ["call": "\(callId)", "error": "\(error)"])
        }
    }

    /// The merchant's or a sponsor's charge for an ended call, in `charges-<callId>`.
    private func postThirdPartyCharge(_ request: CallRequested, terms: ChargeTerms, ended: CallEnded) async throws {
        let charge = try Wallet.metering(terms).charge(billableMilliseconds: ended.billableMilliseconds).totalMicros
        let payer: ChargePlan.Payer = switch terms.payer {
        case .sponsor(let sponsorId): .sponsor(sponsorId)
        default: .merchant
        }
        let plan = try ChargePlan(payer: payer, shopperId: request.shopperId, merchantId: request.merchantId,
                                  platformFeeBasisPoints: terms.platformFeeBasisPoints)
        guard let posting = try plan.posting(postingId: "charge:\(request.callId.uuidString.lowercased())", callId: request.callId,
                                             chargeMicros: charge, currency: terms.currency, at: ended.at) else { return }
        let event = try WalletEvent.transferred(posting).encodedForLog()
            .newEvent(id: EventIDs.uuid(hashing: "charging:post:\(request.callId)#0"))
        do {
            _ = try await store.log.append(to: .charges(request.callId), [event], expected: .noStream)
        } catch EventLogError.wrongExpectedVersion {
            return  // posted before (a batch processed again)
        }
    }
}
