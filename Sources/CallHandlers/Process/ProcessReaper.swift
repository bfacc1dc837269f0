#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Reaps handler processes: one polling task calls `waitpid(pid, &status, WNOHANG)` for each
/// watched pid every `pollInterval`, so no handler stays a zombie and no exit status is lost.
/// It never calls `waitpid(-1)`: other children of the node are not ours to reap.
/// The task runs only while some pid is watched.
public final class ProcessReaper: Sendable {
    /// The reaper shared by every handler of this process.
    public static let shared = ProcessReaper()

    private struct State {
        var watched: [pid_t: @Sendable (HandlerExit) -> Void] = [:]
        var polling = false
    }

    private let state = Mutex(State())
    private let pollInterval: Duration

    public init(pollInterval: Duration = .milliseconds(20)) {
        self.pollInterval = pollInterval
    }

    /// How many pids are being watched.
    public var watchedCount: Int {
        state.withLock { $0.watched.count }
    }

    /// Watches `pid` (a child of this process) and calls `onExit` once, from the reaper's task,
    /// when it has been reaped.
    func watch(_ pid: pid_t, onExit: @escaping @Sendable (HandlerExit) -> Void) {
        let startPolling = state.withLock { state -> Bool in
            state.watched[pid] = onExit
            defer { state.polling = true }
            return !state.polling
        }
        if startPolling {
            Task.detached { [self] in await poll() }
        }
    }

    private func poll() async {
        while true {
            try? await Task.sleep(for: pollInterval)
            let pids = state.withLock { state -> [pid_t]? in
                if state.watched.isEmpty {
                    state.polling = false
                    return nil
                }
                return Array(state.watched.keys)
            }
            guard let pids else { return }
            for pid in pids {
                guard let exit = Self.reap(pid) else { continue }
                let onExit = state.withLock { $0.watched.removeValue(forKey: pid) }
                onExit?(exit)
            }
        }
    }

    /// The exit of `pid` if it has ended (and is now reaped); nil while it runs.
    private static func reap(_ pid: pid_t) -> HandlerExit? {
        var status: Int32 = 0
        // EINTR is retried a bounded number of times; it cannot repeat for long with WNOHANG.
        for _ in 0..<8 {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return HandlerExit(waitStatus: status) }
            if result == 0 { return nil }
            if errno != EINTR { return .unknown }  // ECHILD: reaped elsewhere, status lost there.
        }
        return nil
    }
}
