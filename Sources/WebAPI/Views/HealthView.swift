/// `GET /health`: this process is ready (its database answers), which roles it runs, and
/// whether the system can place calls — a web process with no telephony node alive
/// anywhere can take orders but not keep a promise of a call.
struct HealthView: Encodable, Sendable {
    let status: String
    /// Each role: `ready` when this process runs it, `elsewhere` when it does not.
    let roles: [String: String]
    /// Telephony nodes announced alive (in any process).
    let telephonyNodesAlive: Int
    let readyToCall: Bool
}
