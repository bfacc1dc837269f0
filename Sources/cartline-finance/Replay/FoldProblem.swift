/// An event the fold could not use: a body that does not decode, or a ledger entry the
/// ledger refused (a duplicate posting, an unknown hold…). Reconcile reports each one.
struct FoldProblem: Sendable {
    let position: Int64
    let type: String
    let stream: String
    let reason: String

    var description: String { "event \(position) (\(type) in \(stream)): \(reason)" }
}
