import Foundation
import Logging
import ServiceLifecycle

/// Deletes `Idempotency-Key`s past their retention, every `intervalSeconds`, a bounded
/// number of batches per round (the rest wait for the next round). Runs with the engine
/// role; safe in several processes at once (a key is deleted once, whoever deletes it).
public final class IdempotencySweeper: Service, Sendable {
    static let intervalSeconds = 300.0
    /// Batches of `IdempotencyStore.maxKeysPerSweep` one round deletes at most.
    static let maxBatchesPerRound = 20

    let store: IdempotencyStore
    let logger: Logger

    public init(store: IdempotencyStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await sweepRound()
            } catch {
                logger.warning("idempotency sweep failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(Self.intervalSeconds)) }
        }
    }

    /// Sweeps until a batch comes back short or `maxBatchesPerRound` ran; returns the keys deleted.
    @discardableResult
    public func sweepRound() async throws -> Int {
        var deleted = 0
        for _ in 0..<Self.maxBatchesPerRound {
            let batch = try await store.sweep()
            deleted += batch
            if batch < IdempotencyStore.maxKeysPerSweep { break }
        }
        return deleted
    }
}
