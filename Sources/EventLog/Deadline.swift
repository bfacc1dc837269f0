import Synchronization

/// Runs `operation` but returns `timedOut` after `seconds` even if the operation ignores
/// cancellation (a connection attempt to a database that is down may). The operation is
/// cancelled and left to finish on its own; the caller never hangs.
public func withDeadline<T: Sendable>(
    seconds: Double, operation name: String,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    // A class, not a local: the losing task may still finish after this function returned.
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            // A cancellation that came before the continuation was stored found nothing to resume.
            if Task.isCancelled { race.finish(.failure(CancellationError())); return }
            let work = Task {
                do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
            }
            let timer = Task {
                if (try? await Task.sleep(for: .seconds(seconds))) != nil {
                    race.finish(.failure(EventLogError.timedOut(operation: name, seconds: seconds)))
                    work.cancel()
                }
            }
            race.onFinish { timer.cancel() }
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The one continuation of a `withDeadline` call, resumed by whichever side finishes first.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var finished = false
        var cleanup: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Runs `cleanup` when the race ends (at once if it already has).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.finished { return true }
            state.cleanup = cleanup
            return false
        }
        if runNow { cleanup() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, cleanup) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !state.finished, let continuation = state.continuation else { return (nil, nil) }
            state.finished = true
            state.continuation = nil
            defer { state.cleanup = nil }
            return (continuation, state.cleanup)
        }
        cleanup?()
        continuation?.resume(with: result)
    }
}
