extension SIPCallFailure {
    /// The failure a final non-2xx status means; nil for 2xx (answered).
    /// `cancelledByRingTimeout`: our ring timer sent the CANCEL, so a 487 means nobody answered.
    public static func forFinalStatus(_ status: Int, cancelledByRingTimeout: Bool = false) -> SIPCallFailure? {
        let reason: SIPFailureReason
        switch status {
        case 200...299: return nil
        case 486, 600: reason = .busy
        case 603: reason = .declined
        case 408, 480: reason = .noAnswer
        case 487: reason = cancelledByRingTimeout ? .noAnswer : .cancelled
        case 404, 484: reason = .notFound
        case 503: reason = .unavailable
        case 401, 407: reason = .authenticationFailed
        default: reason = .rejected
        }
        return SIPCallFailure(reason: reason, status: status)
    }
}
