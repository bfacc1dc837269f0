import Billing
import Domain
import Foundation
import Testing

/// Small charges collected and settled once per period, with an itemised statement.
@Suite("Settling small charges per period")
struct SettlementTests {
    static let eur = try! Currency("EUR")
    static let shopper = UUID()
    static let october = Date(timeIntervalSince1970: 1_791_619_200)  // 2026-10-10T08:00Z
    static let novemberFirst = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01T00:00Z

    /// €0.12 a minute in 6-s steps, a 10 % fee, charges below €0.50 collected.
    static let terms = ChargeTerms(payer: .shopper, currency: eur, perMinuteMicros: 120_000, billingIncrementSeconds: 6, setupFeeMicros: 0,
                                   minimumChargeMicros: 0, platformFeeBasisPoints: 1_000, settlementThresholdMicros: 500_000)

    static func apply(_ events: [WalletEvent], to state: inout WalletState) {
        state = events.reduce(state) { Wallet.evolve($0, $1) }
    }

    static func call(_ seconds: Int64, at: Date, state: inout WalletState) throws -> [WalletEvent] {
        let callId = UUID()
        apply(try Wallet.holdForCall(callId, shopperId: shopper, merchantId: "shop", terms: terms, state: state, now: at), to: &state)
        let settled = try Wallet.settleCall(callId, billableMilliseconds: seconds * 1_000, shopperId: shopper, merchantId: "shop",
                                            terms: terms, state: state, now: at.addingTimeInterval(Double(seconds)))
        apply(settled, to: &state)
        return settled
    }

    @Test func chargesBelowTheThresholdWaitAndOneStatementSettlesThemWithTheirFees() throws {
        var state = WalletState()
        Self.apply(try Wallet.topUp(shopperId: Self.shopper, postingId: "topup-1", amountMicros: 10_000_000, currency: Self.eur, state: state,
                               now: Self.october), to: &state)
        // 61 s bill 66 s = €0.132 and 25 s bill 30 s = €0.06: both below €0.50, both wait.
        let first = try Self.call(61, at: Self.october, state: &state)
        #expect(first.contains { if case .chargeAccrued(let accrued) = $0 { accrued.chargeMicros == 132_000 && accrued.platformFeeMicros == 13_200 } else { false } })
        _ = try Self.call(25, at: Self.october.addingTimeInterval(3_600), state: &state)
        // 300 s = €0.60: above the threshold, passed on at once.
        let big = try Self.call(300, at: Self.october.addingTimeInterval(7_200), state: &state)
        #expect(!big.contains { if case .chargeAccrued = $0 { true } else { false } })
        // One charge after the period ends waits for the next statement.
        _ = try Self.call(30, at: Self.novemberFirst.addingTimeInterval(60), state: &state)

        let accrued = LedgerAccount.accruedCharges(shopperId: Self.shopper, merchantId: "shop")
        #expect(state.ledger.balance(of: accrued, currency: Self.eur) == 132_000 + 60_000 + 60_000)
        #expect(state.balanceMicros(of: Self.shopper, Self.eur) == 10_000_000 - 132_000 - 60_000 - 600_000 - 60_000)

        let settlement = try Wallet.settleAccruals(shopperId: Self.shopper, period: "2026-10", periodEnd: Self.novemberFirst, state: state,
                                                   now: Self.novemberFirst.addingTimeInterval(3_600))
        let statement = try #require(settlement.compactMap { if case .settlementStated(let s) = $0 { s } else { nil } }.first)
        #expect(statement.lines.count == 2)
        #expect(statement.totalMicros == 192_000)
        #expect(statement.platformFeeMicros == 13_200 + 6_000)
        #expect(statement.merchantShareMicros == 192_000 - 19_200)
        Self.apply(settlement, to: &state)
        #expect(state.ledger.balance(of: accrued, currency: Self.eur) == 60_000, "November's charge still waits")
        #expect(state.ledger.balance(of: .merchantReceivable(merchantId: "shop"), currency: Self.eur) == 540_000 + 172_800)
        #expect(state.ledger.balance(of: .platformRevenue, currency: Self.eur) == 60_000 + 19_200)
        #expect(state.ledger.debitsEqualCredits().isEmpty)
        // Settling the same period again settles nothing.
        #expect(try Wallet.settleAccruals(shopperId: Self.shopper, period: "2026-10", periodEnd: Self.novemberFirst, state: state,
                                          now: Self.novemberFirst.addingTimeInterval(7_200)).isEmpty)
    }

    @Test func accruedAccountsHaveOneSpelling() throws {
        let account = LedgerAccount.accruedCharges(shopperId: Self.shopper, merchantId: "shop")
        #expect(try LedgerAccount(parsing: account.description) == account)
        #expect(!account.mayGoNegative)
        #expect(throws: LedgerError.self) { try LedgerAccount(parsing: "accrued:\(Self.shopper.uuidString):shop") }  // upper case
        #expect(throws: LedgerError.self) { try LedgerAccount(parsing: "accrued:\(Self.shopper.uuidString.lowercased())") }
        #expect(throws: LedgerError.self) { try LedgerAccount(parsing: "accrued:\(Self.shopper.uuidString.lowercased()):Shop A") }
    }
}
