/// The instant by which the current caller (one HTTP request) needs all its log work done.
/// Every log operation under it — a read, an append's wait in its queue and for a connection,
/// a command's wait for its turn on a stream — gets at most what is left, so a request's
/// operations cannot add their timeouts up. Only a statement already sent may outlive it, up
/// to the server's `statement_timeout`: giving up on it could hide a commit.
public enum RequestDeadline {
    @TaskLocal public static var current: ContinuousClock.Instant?
}
