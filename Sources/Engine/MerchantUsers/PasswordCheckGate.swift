import Domain

/// At most `limit` password derivations at once, and at most `maxWaiting` waiting in order
/// behind them; past that a sign-in is refused at once (`MerchantUserError.busy`) rather
/// than queued without bound.
actor PasswordCheckGate {
    static let maxWaiting = 64

    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `work` off the actor (on the caller's task) once a place is free.
    nonisolated func run<T: Sendable>(_ work: @Sendable () throws -> T) async throws -> T {
        try await enter()
        do {
            let value = try work()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async throws(MerchantUserError) {
        if running < limit { running += 1; return }
        guard waiting.count < Self.maxWaiting else { throw .busy }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }
}
