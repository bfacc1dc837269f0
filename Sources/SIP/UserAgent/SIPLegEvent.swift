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
