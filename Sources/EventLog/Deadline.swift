import Synchronization

/// Runs `operation` but returns `timedOut` after `seconds` even if the operation ignores
/// cancellation (a connection attempt to a database that is down may). The operation is
/// cancelled and left to finish on its own; the caller never hangs.
func withDeadline<T: Sendable>(
    seconds: Double, operation name: String,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let box = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let finish: @Sendable (Result<T, any Error>) -> Void = { result in
        box.withLock { slot -> CheckedContinuation<T, any Error>? in
            defer { slot = nil }
            return slot
        }?.resume(with: result)
    }
    var work: Task<Void, Never>?
    var timer: Task<Void, Never>?
    defer { work?.cancel(); timer?.cancel() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            box.withLock { $0 = continuation }
            // A cancellation that came before the continuation was stored found nothing to resume.
            if Task.isCancelled { finish(.failure(CancellationError())); return }
            work = Task {
                do { finish(.success(try await operation())) } catch { finish(.failure(error)) }
            }
            timer = Task {
                if (try? await Task.sleep(for: .seconds(seconds))) != nil {
                    finish(.failure(EventLogError.timedOut(operation: name, seconds: seconds)))
                }
            }
        }
    } onCancel: {
        finish(.failure(CancellationError()))
    }
}
