import Domain
import Engine
import Foundation
import Telephony

/// The pool's ops controls, with drain and resume also recorded in the node's stream so
/// that every web process's capacity figure follows.
struct NodeOpsControl: OpsControl {
    let service: TelephonyNodeService

    func status() async -> PoolStatus { await service.pool.status() }
    func liveCalls() async -> [LiveCall] { await service.pool.liveCalls() }

    func drain() async {
        guard await !service.pool.isDraining else { return }
        await service.pool.drain()
        await service.announce(.draining(NodeDraining(node: service.node, at: service.clock.now())))
    }

    func resume() async {
        guard await service.pool.isDraining else { return }
        await service.pool.resume()
        await service.announce(.resumed(NodeResumed(node: service.node, at: service.clock.now())))
    }

    func hangUp(callId: UUID) async -> Bool { await service.pool.hangUp(callId: callId) }
    func restartWarmHandlers() async -> Int { await service.pool.restartWarmHandlers() }
    func eventTail() -> AsyncStream<OpsEvent> { service.pool.eventTail() }
}
