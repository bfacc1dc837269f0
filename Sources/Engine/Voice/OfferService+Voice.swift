import Domain
import Foundation

/// The browser leg's credentials, for the page of the shopper whose call it is.
extension OfferService {
    /// Whether calls in `browser` mode can be placed (the gateway is configured).
    public var browserVoiceAvailable: Bool { gateway != nil }

    /// Mints the gateway credentials of `callId` for its page: only the call's own shopper
    /// (another's is "no such call"), only a browser call still under way and still within
    /// its join window; without a gateway, refused with the reason.
    public func voiceCredentials(_ callId: UUID, shopperId: UUID) async throws -> BrowserVoiceCredentials {
        let state = try await call(callId, shopperId: shopperId)
        guard let request = state.request else { throw DomainError.notFound("no such call") }
        switch request.mode {
        case .pstn: throw DomainError.rejected("this call is placed to your phone, not in the browser")
        case .voip: throw DomainError.rejected("this call is placed to your SIP phone, not in the browser")
        case .browser: break
        }
        guard let user = request.browserSIPUser, let expiry = request.joinExpiresAtUnixSeconds else {
            throw DomainError.rejected("this call has no join time to mint credentials for; ask for a new call")
        }
        guard !state.isFinished else { throw DomainError.rejected("this call is over") }
        guard let gateway else { throw DomainError.rejected("talking from this page is not available right now (no browser gateway)") }
        let now = clock.now()
        guard now.timeIntervalSince1970 < Double(expiry) else {
            throw DomainError.rejected("the time to join this call from the page has passed; ask for a new call")
        }
        return BrowserVoiceCredentials(sipUser: user, joinExpiresAtUnixSeconds: expiry, settings: gateway, now: now)
    }
}
