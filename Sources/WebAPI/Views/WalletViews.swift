import Billing
import Domain
import Foundation

/// `POST /v1/wallet/top-ups`.
struct TopUpBody: Decodable {
    static let fields: Set<String> = ["amountMicros", "currency"]
    let amountMicros: Int64
    let currency: String
}

/// `GET /v1/wallet`: what the shopper's wallet holds, the holds of calls under way, and the
/// newest movements (top-ups, charges, releases), newest first.
struct WalletView: Encodable, Sendable {
    struct Balance: Encodable, Sendable {
        let currency: String
        let balanceMicros: Int64
        let heldMicros: Int64
        let availableMicros: Int64
    }

    struct Hold: Encodable, Sendable {
        let callId: String?
        let amountMicros: Int64
        let currency: String
        let expiresAt: Date
    }

    struct Movement: Encodable, Sendable {
        /// `top-up`, `hold`, `charge`, `release` or `expired`.
        let kind: String
        let callId: String?
        /// What left (negative) or entered (positive) the wallet; 0 for a hold or a release.
        let amountMicros: Int64
        let currency: String
        let at: Date
    }

    let balances: [Balance]
    let holds: [Hold]
    let recent: [Movement]

    init(_ wallet: WalletState, shopperId: UUID) {
        let account = LedgerAccount.shopperWallet(shopperId: shopperId)
        balances = wallet.currencies(of: shopperId).map { currency in
            Balance(currency: currency.code, balanceMicros: wallet.ledger.balance(of: account, currency: currency),
                    heldMicros: wallet.ledger.held(of: account, currency: currency),
                    availableMicros: wallet.ledger.available(of: account, currency: currency))
        }
        holds = wallet.ledger.pendingHolds.filter { $0.account == account }.sorted { $0.expiresAt < $1.expiresAt }.map {
            Hold(callId: $0.callId?.uuidString.lowercased(), amountMicros: $0.amountMicros, currency: $0.currency.code, expiresAt: $0.expiresAt)
        }
        recent = wallet.recent.reversed().map { Self.movement($0, account: account) }
    }

    static func movement(_ entry: LedgerEntry, account: LedgerAccount) -> Movement {
        let callId = entry.callId?.uuidString.lowercased()
        let currency = entry.currency.code
        switch entry {
        case .transferred(let transfer):
            let amount = transfer.legs.reduce(Int64(0)) { sum, leg in
                sum + (leg.credit == account ? leg.amountMicros : 0) - (leg.debit == account ? leg.amountMicros : 0)
            }
            return Movement(kind: transfer.reason == .topUp ? "top-up" : "charge", callId: callId, amountMicros: amount, currency: currency, at: transfer.at)
        case .holdPlaced(let placed):
            return Movement(kind: "hold", callId: callId, amountMicros: 0, currency: currency, at: placed.at)
        case .holdPosted(let posted):
            return Movement(kind: "charge", callId: callId, amountMicros: -posted.amountMicros, currency: currency, at: posted.at)
        case .holdVoided(let voided):
            return Movement(kind: "release", callId: callId, amountMicros: 0, currency: currency, at: voided.at)
        case .holdExpired(let expired):
            return Movement(kind: "expired", callId: callId, amountMicros: 0, currency: currency, at: expired.at)
        }
    }
}
