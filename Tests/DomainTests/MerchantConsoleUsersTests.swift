import Domain
import Foundation
import Testing

/// The merchant-users decider on its own: invitations, codes, failures that lock a user out
/// for a while, revocation, sign-out — pure, no database.
@Suite("Merchant console users: the decider")
struct MerchantConsoleUsersTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func invited(_ login: String = "ann@shop.test", codeHash: String = "hash-1", at: Date) -> MerchantUsersState {
        let invitation = MerchantUserInvited(merchantId: "shop", login: login, role: .owner, codeId: UUID(), codeHash: codeHash,
                                             expiresAt: at.addingTimeInterval(3_600), invitedBy: "admin", at: at)
        return MerchantUsers.evolve(MerchantUsersState(), .invited(invitation))
    }

    func apply(_ state: MerchantUsersState, _ events: [MerchantUserEvent]) -> MerchantUsersState {
        events.reduce(state, MerchantUsers.evolve)
    }

    @Test func theRightCodeSetsThePasswordOnceAndStartsASession() throws {
        var state = invited(at: now)
        let events = try MerchantUsers.decide(.setPassword(login: "ann@shop.test", codeHash: "hash-1", passwordHash: "pbkdf2", sessionId: UUID()),
                                              state: state, now: now)
        #expect(events.count == 2)
        state = apply(state, events)
        #expect(state.user("ann@shop.test")?.isActive == true && state.user("ann@shop.test")?.codeHash == nil)
        #expect(throws: MerchantUserError.codeUsed) {
            try MerchantUsers.decide(.setPassword(login: "ann@shop.test", codeHash: "hash-1", passwordHash: "x", sessionId: UUID()), state: state, now: now)
        }
    }

    @Test func anExpiredCodeAndAnEmptyHashAreRefused() {
        let state = invited(at: now)
        #expect(throws: MerchantUserError.codeExpired) {
            try MerchantUsers.decide(.setPassword(login: "ann@shop.test", codeHash: "hash-1", passwordHash: "x", sessionId: UUID()),
                                     state: state, now: now.addingTimeInterval(3_601))
        }
        #expect(throws: MerchantUserError.wrongCode) {
            try MerchantUsers.decide(.setPassword(login: "ann@shop.test", codeHash: "hash-1", passwordHash: "", sessionId: UUID()), state: state, now: now)
        }
    }

    @Test func fiveFailuresInARowLockTheUserOutUntilTheLockRunsOut() throws {
        var state = invited(at: now)
        state = apply(state, try MerchantUsers.decide(.setPassword(login: "ann@shop.test", codeHash: "hash-1", passwordHash: "h", sessionId: UUID()),
                                                      state: state, now: now))
        for attempt in 1...MerchantUsers.maxFailedAttempts {
            let events = try MerchantUsers.decide(.signIn(login: "ann@shop.test", passwordMatched: false, sessionId: UUID()), state: state, now: now)
            #expect(events.count == 1, "attempt \(attempt)")
            state = apply(state, events)
        }
        let until = now.addingTimeInterval(MerchantUsers.lockoutSeconds)
        #expect(state.user("ann@shop.test")?.lockedUntil == until)
        #expect(throws: MerchantUserError.lockedOut(until: until)) {
            try MerchantUsers.decide(.signIn(login: "ann@shop.test", passwordMatched: true, sessionId: UUID()), state: state, now: now.addingTimeInterval(60))
        }
        let later = try MerchantUsers.decide(.signIn(login: "ann@shop.test", passwordMatched: true, sessionId: UUID()), state: state,
                                             now: until.addingTimeInterval(1))
        guard case .signedIn? = later.first else { Issue.record("expected a sign-in after the lock, got \(later)"); return }
    }

    @Test func revocationRefusesSessionsAndThePasswordUntilANewInvitation() throws {
        var state = invited(at: now)
        let sessionId = UUID()
        state = apply(state, try MerchantUsers.decide(.setPassword(login: "ann@shop.test", codeHash: "hash-1", passwordHash: "h", sessionId: sessionId),
                                                      state: state, now: now))
        #expect(throws: Never.self) { try MerchantUsers.check(login: "ann@shop.test", sessionId: sessionId, generation: 0, state: state) }
        state = apply(state, try MerchantUsers.decide(.revoke(login: "ann@shop.test", by: "admin"), state: state, now: now))
        #expect(throws: MerchantUserError.revoked) { try MerchantUsers.check(login: "ann@shop.test", sessionId: sessionId, generation: 0, state: state) }
        #expect(throws: MerchantUserError.wrongCredentials) {
            try MerchantUsers.decide(.signIn(login: "ann@shop.test", passwordMatched: true, sessionId: UUID()), state: state, now: now)
        }
        #expect(throws: MerchantUserError.unknownUser("bob")) { try MerchantUsers.decide(.revoke(login: "bob", by: "admin"), state: state, now: now) }
    }

    @Test func signingOutRefusesThatSessionOnly() throws {
        var state = invited(at: now)
        let (one, two) = (UUID(), UUID())
        state = apply(state, try MerchantUsers.decide(.setPassword(login: "ann@shop.test", codeHash: "hash-1", passwordHash: "h", sessionId: one),
                                                      state: state, now: now))
        state = apply(state, try MerchantUsers.decide(.signOut(login: "ann@shop.test", sessionId: one, sessionExpiresAt: now.addingTimeInterval(600)),
                                                      state: state, now: now))
        #expect(throws: MerchantUserError.signedOut) { try MerchantUsers.check(login: "ann@shop.test", sessionId: one, generation: 0, state: state) }
        #expect(throws: Never.self) { try MerchantUsers.check(login: "ann@shop.test", sessionId: two, generation: 0, state: state) }
    }

    @Test func loginsAreEmailsOrUserNamesComparedWithoutCase() throws {
        #expect(try MerchantLogin.normalise("  Ann@Shop.Test ") == "ann@shop.test")
        #expect(try MerchantLogin.normalise("ann.b") == "ann.b")
        for bad in ["ab", "ann b", "ann@", "@shop.test", "ann@shop", "ann@@shop.test", String(repeating: "a", count: 101), "ännä"] {
            #expect(throws: MerchantUserError.self, "\(bad)") { try MerchantLogin.normalise(bad) }
        }
    }

    @Test func passwordsNeedLengthAndSomeVariety() {
        #expect(throws: MerchantUserError.self) { try MerchantUsers.validatePassword("short") }
        #expect(throws: MerchantUserError.self) { try MerchantUsers.validatePassword("aaaaaaaaaaaa") }
        #expect(throws: Never.self) { try MerchantUsers.validatePassword("correct horse battery") }
    }
}
