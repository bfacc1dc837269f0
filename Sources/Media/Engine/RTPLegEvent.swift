/// Something a leg noticed in the media it receives.
public enum RTPLegEvent: Equatable, Sendable {
    /// A DTMF digit (RFC 4733), reported once per key press.
    case dtmf(Character)
    /// No RTP arrived for the engine's `inactivityTimeout` while the leg was connected: the far end is gone.
    case inactive
}
