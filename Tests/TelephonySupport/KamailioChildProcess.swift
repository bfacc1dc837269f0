import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Kamailio as a child of the test process, spawned with `posix_spawn` and reaped by polling.
///
/// Why not `Foundation.Process`: on Linux it learns of a child's end from a socket the child
/// inherits, and Kamailio closes inherited descriptors at start-up, so Foundation's single
/// process-watching thread blocks in `waitpid` until Kamailio exits, and no other `Process`
/// of the test run (SIPp peers) is reaped meanwhile. Also, a spawn from a Dispatch thread
/// passes on its blocked signal mask: Kamailio would then ignore SIGTERM.
///
/// The child leads a process group of its own, so its worker processes can be killed with it.
/// It holds no state: the kernel's `waitpid` answers "still running?".
struct KamailioChildProcess: Sendable {
    /// What `waitpid` says about the child.
    enum State: Equatable {
        case running
        /// Exited now (exit status, or 128 + signal number).
        case exited(status: Int32)
        /// Already reaped earlier (by us or by someone else).
        case gone
    }

    /// Highest descriptor number closed in the child when /proc/self/fd cannot be listed.
    static let fallbackDescriptorsMax: Int32 = 1_024

    let pid: pid_t

    /// Starts `executable` with `arguments`, stdin from /dev/null, stdout and stderr appended
    /// to `logFile`, all other descriptors closed, default signal handling and mask.
    static func spawn(
        executable: String, arguments: [String], logFile: String
    ) throws(KamailioProxyError) -> KamailioChildProcess {
        let logDescriptor = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logDescriptor >= 0 else {
            throw .runDirectoryUnavailable(path: logFile, reason: String(cString: strerror(errno)))
        }
        defer { close(logDescriptor) }
        let nullDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard nullDescriptor >= 0 else {
            throw .launchFailed(reason: "cannot open /dev/null: \(String(cString: strerror(errno)))")
        }
        defer { close(nullDescriptor) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, nullDescriptor, STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, logDescriptor, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, logDescriptor, STDERR_FILENO)
        // The test process's sockets and files are none of Kamailio's business. (glibc
        // ignores a close action on a descriptor that is no longer open.)
        for descriptor in openDescriptors() where descriptor > STDERR_FILENO {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw .launchFailed(reason: "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        return KamailioChildProcess(pid: pid)
    }

    /// Reaps the child if it has exited; never waits.
    func state() -> State {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 { return .running }
        if result < 0 { return errno == EINTR ? .running : .gone }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
        let signal = status & 0x7F
        return .exited(status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal)
    }

    /// Sends `signal` to the child, or with `wholeGroup` to its process group (its workers).
    /// Only call while `state()` said `.running`: an unreaped child's pid cannot be reused.
    func send(_ signal: Int32, wholeGroup: Bool) {
        kill(wholeGroup ? -pid : pid, signal)
    }

    private static func openDescriptors() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else {
            return Array(0...fallbackDescriptorsMax)
        }
        return names.compactMap { Int32($0) }
    }
}
