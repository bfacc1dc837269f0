/// What happens to an outbound leg, in order; `failed` and `ended` are terminal.
public enum SIPLegEvent: Sendable, Equatable {
    /// A provisional response other than 100 (180, 183 …), each status reported once.
    case provisional(status: Int)
    case answered(remoteMedia: MediaAddress)
    /// The call never got answered (terminal).
    case failed(SIPCallFailure)
    /// An answered call ended (terminal).
    case ended(SIPHangup)

    public var isTerminal: Bool {
        switch self {
        case .failed, .ended: true
        case .provisional, .answered: false
        }
    }
}

/// Why a call was not answered, with the final status when one came.
public struct SIPCallFailure: Sendable, Equatable {
    public var reason: SIPFailureReason
    public var status: Int?

    public init(reason: SIPFailureReason, status: Int?) {
        self.reason = reason
        self.status = status
    }
}

/// The outcome classes a caller acts on.
public enum SIPFailureReason: String, Sendable {
    case busy, declined, noAnswer = "no-answer", notFound = "not-found", unavailable
    case authenticationFailed = "auth-failed", networkTimeout = "network-timeout", cancelled, rejected
    case badAnswer = "bad-answer"
}

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
