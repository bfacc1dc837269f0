/// Who ended an answered call, and the status of our BYE's answer when we did.
public struct SIPHangup: Sendable, Equatable {
    public enum Side: String, Sendable {
        case local, remote
    }

    public var by: Side
    public var status: Int?

    public init(by: Side, status: Int?) {
        self.by = by
        self.status = status
    }
}
