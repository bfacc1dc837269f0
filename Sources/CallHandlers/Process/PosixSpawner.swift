#if canImport(Glibc)
import Glibc
#endif

/// The descriptors and pid of a freshly spawned handler; the parent's ends of its pipes.
struct SpawnedChild: Sendable {
    var pid: pid_t
    var stdinWrite: CInt
    var stdoutRead: CInt
    var stderrRead: CInt
}

/// Starts a handler with `posix_spawn`, the way a careful AGI runner should:
/// - its own process group (`POSIX_SPAWN_SETPGROUP`, pgroup 0), so the whole group can be
///   signalled and nothing it forks survives it;
/// - only stdin, stdout and stderr open: every inherited descriptor above 2 is closed
///   (`posix_spawn_file_actions_addclosefrom_np`, looked up at run time because the Swift
///   Glibc module does not import it; otherwise one close action per open descriptor);
/// - an empty signal mask and default dispositions for every signal (NIO ignores SIGPIPE in
///   this process, and ignored signals would otherwise survive `exec`);
/// - exactly the environment of the spec.
enum PosixSpawner {
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, CInt) -> CInt
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<CInt>?, CInt) -> CInt
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> CInt

    static func spawn(_ spec: HandlerSpec) throws(HandlerSpawnError) -> SpawnedChild {
        try validate(spec)
        let stdinPipe = try makePipe()
        var parentEnds = [stdinPipe.write]
        var childEnds = [stdinPipe.read]
        defer { childEnds.forEach { _ = close($0) } }
        do {
            let stdoutPipe = try makePipe()
            parentEnds.append(stdoutPipe.read)
            childEnds.append(stdoutPipe.write)
            let stderrPipe = try makePipe()
            parentEnds.append(stderrPipe.read)
            childEnds.append(stderrPipe.write)
            let pid = try spawnChild(spec, stdin: stdinPipe.read, stdout: stdoutPipe.write, stderr: stderrPipe.write)
            return SpawnedChild(pid: pid, stdinWrite: stdinPipe.write, stdoutRead: stdoutPipe.read, stderrRead: stderrPipe.read)
        } catch {
            parentEnds.forEach { _ = close($0) }
            throw error
        }
    }

    private static func validate(_ spec: HandlerSpec) throws(HandlerSpawnError) {
        guard !spec.executable.isEmpty else { throw .invalidSpec("empty executable path") }
        let strings = [spec.executable] + spec.arguments + spec.environment.keys + spec.environment.values + [spec.workingDirectory ?? ""]
        guard !strings.contains(where: { $0.utf8.contains(0) }) else { throw .invalidSpec("NUL byte in path, argument or environment") }
        guard !spec.environment.keys.contains(where: { $0.isEmpty || $0.contains("=") }) else {
            throw .invalidSpec("environment names must be non-empty and hold no '='")
        }
    }

    /// A close-on-exec pipe whose ends are both above 2, so the `dup2` onto 0…2 in the child
    /// always really duplicates (and so clears close-on-exec).
    private static func makePipe() throws(HandlerSpawnError) -> (read: CInt, write: CInt) {
        var fds: [CInt] = [-1, -1]
        // pipe2 is not imported by the Swift Glibc module; it sets close-on-exec atomically,
        // so a concurrent fork elsewhere in the node cannot inherit our pipe ends.
        if let symbol = lookUp("pipe2") {
            let pipe2 = unsafeBitCast(symbol, to: Pipe2.self)
            guard pipe2(&fds, O_CLOEXEC) == 0 else { throw .pipeFailed(errno: errno) }
        } else {
            guard pipe(&fds) == 0 else { throw .pipeFailed(errno: errno) }
            fds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        }
        for index in fds.indices where fds[index] <= 2 {
            let moved = fcntl(fds[index], F_DUPFD_CLOEXEC, 3)
            let code = errno
            _ = close(fds[index])
            guard moved >= 0 else {
                fds.forEach { if $0 > 2 { _ = close($0) } }
                throw .pipeFailed(errno: code)
            }
            fds[index] = moved
        }
        return (fds[0], fds[1])
    }

    private static func spawnChild(_ spec: HandlerSpec, stdin: CInt, stdout: CInt, stderr: CInt) throws(HandlerSpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        closeInheritedDescriptors(&actions)
        if let directory = spec.workingDirectory {
            guard let symbol = lookUp("posix_spawn_file_actions_addchdir_np") else {
                throw .invalidSpec("this libc cannot set a working directory for posix_spawn")
            }
            let addChdir = unsafeBitCast(symbol, to: AddChdir.self)
            guard addChdir(&actions, directory) == 0 else { throw .invalidSpec("cannot use working directory \(directory)") }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        // sigfillset leaves out glibc's internal signals 32 and 33, which posix_spawn then
        // leaves *ignored* across exec; setting the first 64 bits (signals 1…64) by hand gives
        // the child exactly the default dispositions a fork and exec would.
        withUnsafeMutableBytes(of: &allSignals) { $0.storeBytes(of: UInt64.max, as: UInt64.self) }
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        let argv = CStringArray([spec.executable] + spec.arguments)
        let envp = CStringArray(spec.environmentEntries)
        defer {
            argv.free()
            envp.free()
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, spec.executable, &actions, &attributes, argv.pointers, envp.pointers)
        guard result == 0 else { throw .spawnFailed(executable: spec.executable, errno: result) }
        return pid
    }

    /// Adds "close every descriptor from 3 up" to `actions`.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let symbol = lookUp("posix_spawn_file_actions_addclosefrom_np") {
            let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
            if addCloseFrom(&actions, 3) == 0 { return }
        }
        // Fallback: one close action per descriptor open now. glibc ignores EBADF for a
        // descriptor another thread closed meanwhile; new ones are opened close-on-exec by NIO.
        for descriptor in openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    private static func openDescriptors() -> [CInt] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var descriptors: [CInt] = []
        // Bounded by the process's descriptor limit; the cap guards against a broken /proc.
        while descriptors.count < 1_048_576, let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let descriptor = CInt(name) { descriptors.append(descriptor) }
        }
        return descriptors
    }

    private static func lookUp(_ symbol: String) -> UnsafeMutableRawPointer? {
        guard let process = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(process, symbol)
    }
}

/// A NULL-terminated `char *[]` for `posix_spawn`, freed explicitly.
private struct CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func free() {
        pointers.forEach { Glibc.free($0) }
    }
}
