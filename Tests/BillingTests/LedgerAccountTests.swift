@testable import Billing
import Foundation
import Testing

@Suite("Ledger accounts")
struct LedgerAccountTests {
    static let accounts: [LedgerAccount] = [
        .shopperWallet(shopperId: Fixture.shopper), .merchantReceivable(merchantId: "demo"), .platformRevenue,
        .carrierCost, .sponsor(sponsorId: "acme-ads"), .settlement,
    ]

    @Test func stableStringFormsAreExactlyThese() {
        #expect(Self.accounts.map(\.description) == [
            "wallet:6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "merchant:demo", "platform:revenue",
            "carrier:cost", "sponsor:acme-ads", "settlement",
        ])
    }

    @Test(arguments: accounts)
    func stringFormAndCodableRoundTrip(account: LedgerAccount) throws {
        #expect(try LedgerAccount(parsing: account.description) == account)
        let json = try JSONEncoder().encode([account])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(account.description)\"]")
        #expect(try JSONDecoder().decode([LedgerAccount].self, from: json) == [account])
    }

    @Test(arguments: ["", "wallet", "wallet:", "wallet:6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9", "wallet:not-a-uuid",
                      "merchant:", "merchant:A", "merchant:has space", "merchant:x", "sponsor:a:b", "platform:costs",
                      "bank:1", "Settlement", String(repeating: "m", count: 65)])
    func malformedAccountIdsAreTypedErrors(text: String) {
        #expect(throws: LedgerError.self) { try LedgerAccount(parsing: text) }
    }

    @Test func anUppercaseWalletIsRefusedWithAnExplanation() {
        #expect(throws: LedgerError.invalid("'wallet:6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9': a wallet account is wallet:<uuid in lowercase>")) {
            try LedgerAccount(parsing: "wallet:6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9")
        }
    }

    @Test func decodingAMalformedAccountFailsAsCorruptData() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LedgerAccount].self, from: Data("[\"merchant:Bad Id\"]".utf8)) }
    }

    @Test func onlyOwedAmountsMayGoNegative() {
        #expect(Self.accounts.filter(\.mayGoNegative).map(\.description) == ["merchant:demo", "carrier:cost", "sponsor:acme-ads", "settlement"])
    }

    @Test func checkedConstructorsRefuseIdsTheStringFormCannotCarry() throws {
        #expect(try LedgerAccount.checkedMerchant("demo") == .merchantReceivable(merchantId: "demo"))
        #expect(throws: LedgerError.self) { try LedgerAccount.checkedMerchant("a:b") }
        #expect(throws: LedgerError.self) { try LedgerAccount.checkedSponsor("") }
    }
}
