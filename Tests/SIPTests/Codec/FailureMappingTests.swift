@testable import SIP
import Testing

@Suite("Final status to call outcome")
struct FailureMappingTests {
    @Test(arguments: [
        (200, false, nil),
        (202, false, nil),
        (486, false, SIPFailureReason.busy),
        (600, false, .busy),
        (603, false, .declined),
        (408, false, .noAnswer),
        (480, false, .noAnswer),
        (487, false, .cancelled),
        (487, true, .noAnswer),
        (404, false, .notFound),
        (484, false, .notFound),
        (503, false, .unavailable),
        (401, false, .authenticationFailed),
        (407, false, .authenticationFailed),
        (302, false, .rejected),
        (488, false, .rejected),
        (500, false, .rejected),
    ] as [(Int, Bool, SIPFailureReason?)])
    func everyFinalStatusMapsToAnOutcome(status: Int, byRingTimeout: Bool, reason: SIPFailureReason?) {
        let failure = SIPCallFailure.forFinalStatus(status, cancelledByRingTimeout: byRingTimeout)
        #expect(failure?.reason == reason)
        if reason != nil { #expect(failure?.status == status) }
    }
}
