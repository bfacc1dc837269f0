import Domain
import Engine
import EventLog
import Foundation
import Logging
import Telephony

/// Appends what a call on this node does to its `call-<id>` stream, in order, each event
/// once: ids derive from the call and the event's kind, so a retried append finds the
/// first one instead of writing a second.
actor CallRecorder {
    static let maxAttempts = 5

    let callId: UUID
    let agentName: String
    private let log: EventLog
    private let logger: Logger
    private var version: Int64
    private var rang = false
    private(set) var finished = false

    init(callId: UUID, agentName: String, claimedAtVersion version: Int64, log: EventLog, logger: Logger) {
        self.callId = callId
        self.agentName = agentName
        self.version = version
        self.log = log
        self.logger = logger
    }

    func record(_ progress: CallProgress, at now: Date) async {
        let event: CallEvent
        let kind: String
        switch progress {
        case .handlerStarted, .dialling:
            return
        case .ringing(let status):
            guard !rang else { return }
            rang = true
            event = .ringing(CallRinging(callId: callId, sipStatus: status, at: now)); kind = "ringing"
        case .answered:
            event = .answered(CallAnswered(callId: callId, at: now)); kind = "answered"
        case .agentBridged:
            event = .agentBridged(AgentBridged(callId: callId, agentName: agentName, at: now)); kind = "bridged"
        case .ended(let ending):
            event = .ended(CallEnded(callId: callId, cause: ending.cause, sipStatus: ending.sipStatus,
                                     answeredMilliseconds: ending.answeredMilliseconds,
                                     billableMilliseconds: ending.billableMilliseconds, at: now)); kind = "outcome"
        case .failed(let reason, let status):
            event = .failed(CallFailed(callId: callId, reason: reason, sipStatus: status, at: now)); kind = "outcome"
        }
        guard !finished else { return }
        switch event {
        case .answered: BusinessMetrics.call("answered")
        case .ended: finished = true; BusinessMetrics.call("ended")
        case .failed(let failed): finished = true; BusinessMetrics.call("failed:\(failed.reason)")
        default: break
        }
        await append(event, id: EventIDs.callEvent(callId, kind))
    }

    private func append(_ event: CallEvent, id: UUID) async {
        for attempt in 1...Self.maxAttempts {
            do {
                let newEvent = try event.encodedForLog().newEvent(id: id)
                let result = try await log.append(to: .call(callId), [newEvent], expected: .exact(version))
                version = result.streamVersion
                return
            } catch EventLogError.wrongExpectedVersion(_, _, let actual) {
                version = actual  // after the claim only this node and a shopper's cancel request write here
            } catch {
                logger.warning("could not record a call event; retrying", metadata: ["call": "\(callId)", "attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        logger.error("gave up recording a call event", metadata: ["call": "\(callId)"])
    }
}
