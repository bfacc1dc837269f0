/// The terms a call is billed under, decided from the merchant's pricing when the call is
/// requested and recorded on it (and on the offer, so the shopper knows before accepting
/// who pays and what it costs). Charging reads these, never the merchant's current pricing.
public struct ChargeTerms: Equatable, Sendable, Codable {
    /// Who pays: the shopper (a micropayment from their wallet), the merchant (an ASP charge
    /// on their monthly invoice) or a sponsor. Stored as `shopper`, `merchant` or `sponsor:<id>`.
    public enum Payer: Hashable, Sendable, Codable, CustomStringConvertible {
        case shopper
        case merchant
        case sponsor(String)

        public init(_ text: String) throws(DomainError) {
            switch text {
            case "shopper": self = .shopper
            case "merchant": self = .merchant
            default:
                guard text.hasPrefix("sponsor:"), text.count > "sponsor:".count else {
                    throw .invalid("payer must be shopper, merchant or sponsor:<id>, not '\(text)'")
                }
                self = .sponsor(String(text.dropFirst("sponsor:".count)))
            }
        }

        public var description: String {
            switch self {
            case .shopper: "shopper"
            case .merchant: "merchant"
            case .sponsor(let id): "sponsor:\(id)"
            }
        }

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            do { self = try Payer(text) } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    public let payer: Payer
    public let currency: Currency
    public let perMinuteMicros: Int64
    public let billingIncrementSeconds: Int
    public let setupFeeMicros: Int64
    public let minimumChargeMicros: Int64
    public let platformFeeBasisPoints: Int
    /// When the shopper pays: charges below this are collected and settled once per month
    /// (nil or 0: each charge is settled at once; absent in calls requested before it existed).
    public let settlementThresholdMicros: Int64?

    public init(payer: Payer, currency: Currency, perMinuteMicros: Int64, billingIncrementSeconds: Int, setupFeeMicros: Int64,
                minimumChargeMicros: Int64, platformFeeBasisPoints: Int, settlementThresholdMicros: Int64? = nil) {
        self.payer = payer
        self.currency = currency
        self.perMinuteMicros = perMinuteMicros
        self.billingIncrementSeconds = billingIncrementSeconds
        self.setupFeeMicros = setupFeeMicros
        self.minimumChargeMicros = minimumChargeMicros
        self.platformFeeBasisPoints = platformFeeBasisPoints
        self.settlementThresholdMicros = settlementThresholdMicros
    }

    /// Whether small charges of this call are collected for a monthly settlement.
    public var aggregatesSmallCharges: Bool { payer == .shopper && (settlementThresholdMicros ?? 0) > 0 }

    /// Who pays for a call about a cart worth `cartValueMicros`: the sponsor when its rule
    /// holds, else the payer the merchant chose.
    public static func decide(pricing: CallPricing, currency: Currency, cartValueMicros: Int64) -> ChargeTerms {
        let payer: Payer
        if let sponsor = pricing.sponsor, cartValueMicros >= sponsor.minimumCartValueMicros {
            payer = .sponsor(sponsor.sponsorId)
        } else {
            payer = pricing.payer == .shopper ? .shopper : .merchant
        }
        return ChargeTerms(payer: payer, currency: currency, perMinuteMicros: pricing.perMinuteMicros,
                          billingIncrementSeconds: pricing.billingIncrementSeconds, setupFeeMicros: pricing.setupFeeMicros,
                          minimumChargeMicros: pricing.minimumChargeMicros, platformFeeBasisPoints: pricing.platformFeeBasisPoints,
                          settlementThresholdMicros: pricing.settlementThresholdMicros > 0 ? pricing.settlementThresholdMicros : nil)
    }
}
