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

/// The agent leg's credentials, for the agent console of the agent the call is routed to.
extension OfferService {
    /// Mints the gateway credentials of the agent leg of `callId` for the console of
    /// `agentName` at `merchantId`: only a call of that merchant (another's is "no such
    /// call"), routed to that agent, who answers in the console; only while the call is under
    /// way and within the agent's join window; without a gateway, refused with the reason.
    public func agentVoiceCredentials(_ callId: UUID, merchantId: String, agentName: String) async throws -> BrowserVoiceCredentials {
        let state = try await store.load(CallAggregate.self, .call(callId)).state
        guard let request = state.request, request.merchantId == merchantId else { throw DomainError.notFound("no such call") }
        guard request.agentName == agentName else {
            throw DomainError.rejected("this call is routed to \(request.agentName), not to you")
        }
        guard request.agentAnswersInConsole else {
            throw DomainError.rejected("this call rings on your SIP phone (\(request.agentSipUri)), not in the console")
        }
        guard let user = request.agentBrowserSIPUser, let expiry = request.agentJoinExpiresAtUnixSeconds else {
            throw DomainError.rejected("this call has no join time to mint credentials for")
        }
        guard !state.isFinished else { throw DomainError.rejected("this call is over") }
        guard let gateway else { throw DomainError.rejected("answering in the browser is not available right now (no browser gateway)") }
        let now = clock.now()
        guard now.timeIntervalSince1970 < Double(expiry) else {
            throw DomainError.rejected("the time to answer this call has passed")
        }
        return BrowserVoiceCredentials(sipUser: user, joinExpiresAtUnixSeconds: expiry, settings: gateway, now: now)
    }
}
