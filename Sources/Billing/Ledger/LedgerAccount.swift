import Domain
import Foundation

/// An account of the double-entry ledger. Its stable string form (`wallet:<uuid>`,
/// `merchant:<id>`, `platform:revenue`, `carrier:cost`, `sponsor:<id>`, `settlement`,
/// `accrued:<uuid>:<merchant>`) is
/// how it is stored and keyed, so each account has exactly one spelling.
///
/// Sign convention (as in TigerBeetle): a balance is credits minus debits, and a leg's
/// debit account is the one money leaves. A top-up debits `settlement` and credits a wallet.
public enum LedgerAccount: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Prepaid credit of one shopper; never below zero.
    case shopperWallet(shopperId: UUID)
    /// What the platform owes a merchant (positive) or the merchant owes it (negative).
    case merchantReceivable(merchantId: String)
    /// The platform's earnings; never below zero.
    case platformRevenue
    /// What carriers charge for minutes; debited as costs arise.
    case carrierCost
    /// A third party paying for calls; negative is what it owes.
    case sponsor(sponsorId: String)
    /// The outside world: money enters (top-ups) and leaves (payouts) through it.
    case settlement
    /// A shopper's small charges at one merchant, taken from the wallet and waiting to be
    /// settled to the merchant (and the platform's fee) in one posting per period.
    case accruedCharges(shopperId: UUID, merchantId: String)

    /// Whether the balance may go below zero: only accounts that record amounts owed.
    /// Money in a wallet or in revenue is real money, so those never go negative.
    public var mayGoNegative: Bool {
        switch self {
        case .shopperWallet, .platformRevenue, .accruedCharges: false
        case .merchantReceivable, .carrierCost, .sponsor, .settlement: true
        }
    }

    /// The stable string form.
    public var description: String {
        switch self {
        case .shopperWallet(let shopperId): "wallet:\(shopperId.uuidString.lowercased())"
        case .merchantReceivable(let merchantId): "merchant:\(merchantId)"
        case .platformRevenue: "platform:revenue"
        case .carrierCost: "carrier:cost"
        case .sponsor(let sponsorId): "sponsor:\(sponsorId)"
        case .settlement: "settlement"
        case .accruedCharges(let shopperId, let merchantId): "accrued:\(shopperId.uuidString.lowercased()):\(merchantId)"
        }
    }

    /// Parses the stable string form; anything else, including a second spelling of a
    /// valid account (an uppercase UUID), is refused so keys never diverge.
    public init(parsing text: String) throws(LedgerError) {
        // Bound the work on hostile input before looking at it.
        guard text.utf8.count <= 96 else { throw .invalid("a ledger account id is at most 96 bytes, got \(text.utf8.count)") }
        switch text {
        case "platform:revenue": self = .platformRevenue; return
        case "carrier:cost": self = .carrierCost; return
        case "settlement": self = .settlement; return
        default: break
        }
        guard let colon = text.firstIndex(of: ":") else {
            throw .invalid("'\(text)' is not a ledger account (wallet:<uuid>, merchant:<id>, sponsor:<id>, accrued:<uuid>:<merchant>, platform:revenue, carrier:cost, settlement)")
        }
        let kind = text[..<colon]
        let rest = String(text[text.index(after: colon)...])
        switch kind {
        case "wallet":
            guard let uuid = UUID(uuidString: rest), uuid.uuidString.lowercased() == rest else {
                throw .invalid("'\(text)': a wallet account is wallet:<uuid in lowercase>")
            }
            self = .shopperWallet(shopperId: uuid)
        case "merchant":
            try Self.checkPartyId(rest, role: "merchant")
            self = .merchantReceivable(merchantId: rest)
        case "sponsor":
            try Self.checkPartyId(rest, role: "sponsor")
            self = .sponsor(sponsorId: rest)
        case "accrued":
            let parts = rest.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let uuid = UUID(uuidString: parts[0]), uuid.uuidString.lowercased() == parts[0] else {
                throw .invalid("'\(text)': an accrued account is accrued:<uuid in lowercase>:<merchant>")
            }
            try Self.checkPartyId(parts[1], role: "merchant")
            self = .accruedCharges(shopperId: uuid, merchantId: parts[1])
        default:
            throw .invalid("'\(text)': unknown ledger account kind '\(kind)'")
        }
    }

    /// A merchant account for `merchantId`, checked like a parsed one.
    public static func checkedMerchant(_ merchantId: String) throws(LedgerError) -> LedgerAccount {
        try checkPartyId(merchantId, role: "merchant")
        return .merchantReceivable(merchantId: merchantId)
    }

    /// A shopper's accrued-charges account at `merchantId`, checked like a parsed one.
    public static func accrued(shopperId: UUID, merchantId: String) throws(LedgerError) -> LedgerAccount {
        try checkPartyId(merchantId, role: "merchant")
        return .accruedCharges(shopperId: shopperId, merchantId: merchantId)
    }

    /// A sponsor account for `sponsorId`, checked like a parsed one.
    public static func checkedSponsor(_ sponsorId: String) throws(LedgerError) -> LedgerAccount {
        try checkPartyId(sponsorId, role: "sponsor")
        return .sponsor(sponsorId: sponsorId)
    }

    /// Refuses a case built directly with an id its string form could not carry.
    func check() throws(LedgerError) {
        switch self {
        case .merchantReceivable(let merchantId): try Self.checkPartyId(merchantId, role: "merchant")
        case .sponsor(let sponsorId): try Self.checkPartyId(sponsorId, role: "sponsor")
        case .accruedCharges(_, let merchantId): try Self.checkPartyId(merchantId, role: "merchant")
        case .shopperWallet, .platformRevenue, .carrierCost, .settlement: break
        }
    }

    /// Merchant and sponsor ids follow the merchant id rule (`Merchant.validateID`): they
    /// appear in stream names, so a colon or space must never get in.
    static func checkPartyId(_ id: String, role: String) throws(LedgerError) {
        guard (2...40).contains(id.count),
              id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw .invalid("a \(role) id must be 2…40 lowercase letters, digits or '-', not '\(id)'")
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try LedgerAccount(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
