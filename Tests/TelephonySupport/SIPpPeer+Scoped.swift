import Foundation

/// Starts SIPp peers for `body` and stops them (awaited) whatever happens, also when a later
/// peer fails to start.
public func withPeers<T: Sendable>(_ starts: [@Sendable () async throws -> SIPpPeer], _ body: @Sendable ([SIPpPeer]) async throws -> T) async throws -> T {
    var peers: [SIPpPeer] = []
    do {
        for start in starts { peers.append(try await start()) }
        let result = try await body(peers)
        for peer in peers { await peer.stop() }
        return result
    } catch {
        for peer in peers { await peer.stop() }
        throw error
    }
}
