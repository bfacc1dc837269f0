/// Why migrations were refused. Nothing is applied when any of these is thrown.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case directoryUnreadable(String)
    case badFileName(String)
    case duplicateVersion(Int, String, String)
    /// An applied migration's file changed since: the database and the code disagree.
    case modifiedAfterApply(version: Int, name: String)
    /// The database has a migration this build does not know (a newer build applied it).
    case unknownApplied(version: Int, name: String)
    case lockTimeout(seconds: Int)
    case failed(version: Int, name: String, reason: String)

    public var description: String {
        switch self {
        case .directoryUnreadable(let path): "cannot read migrations at \(path)"
        case .badFileName(let name): "migration file '\(name)' must be named NNNN_description.sql"
        case .duplicateVersion(let version, let first, let second): "migrations \(first) and \(second) share number \(version)"
        case .modifiedAfterApply(let version, let name):
            "migration \(version) (\(name)) was edited after it was applied; add a new migration instead of changing an applied one"
        case .unknownApplied(let version, let name): "the database has migration \(version) (\(name)), which this build does not have"
        case .lockTimeout(let seconds): "another process held the migration lock for more than \(seconds) s"
        case .failed(let version, let name, let reason): "migration \(version) (\(name)) failed: \(reason)"
        }
    }
}
