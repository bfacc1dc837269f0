/// Why a call was not answered, with the final status when one came.
public struct SIPCallFailure: Sendable, Equatable {
    public var reason: SIPFailureReason
    public var status: Int?

    public init(reason: SIPFailureReason, status: Int?) {
        self.reason = reason
        self.status = status
    }
}
