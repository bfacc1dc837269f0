import Foundation

/// What ops may see and do on a running telephony node (the ops API and `cartline-ops`
/// are its clients).
public protocol OpsControl: Sendable {
    func status() async -> PoolStatus
    func liveCalls() async -> [LiveCall]
    /// Finish current calls, take no new ones.
    func drain() async
    func resume() async
    /// Hangs up a live call on this node; false when no such call is live here.
    func hangUp(callId: UUID) async -> Bool
    /// Restarts the warm (pre-started) handlers; returns how many were restarted.
    func restartWarmHandlers() async -> Int
    /// Live events from now on (bounded buffer: a slow reader loses the oldest).
    func eventTail() -> AsyncStream<OpsEvent>
}
