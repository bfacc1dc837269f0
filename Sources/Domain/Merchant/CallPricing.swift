/// What a call costs and who pays, as the merchant configures it. The terms a call is billed
/// under are taken from it when the call is requested (`ChargeTerms`), so a later change of
/// pricing never re-prices a call already made.
///
/// Fields added after the first version decode with their defaults, so merchants registered
/// before them still replay.
public struct CallPricing: Equatable, Sendable, Codable {
    public enum Payer: String, Codable, Sendable { case shopper, merchant }

    public let payer: Payer
    /// Price per minute of billable time.
    public let perMinuteMicros: Int64
    /// Billable time is rounded up to a multiple of this.
    public let billingIncrementSeconds: Int
    /// Charged once per connected call, on top of the minutes.
    public let setupFeeMicros: Int64
    /// The least a connected call costs, setup fee included.
    public let minimumChargeMicros: Int64
    /// The platform's share of each charge, in basis points (1,000 = 10 %); the rest is the merchant's.
    public let platformFeeBasisPoints: Int
    /// The least the merchant's monthly ASP invoice comes to (`payer: merchant`).
    public let monthlyCommitmentMicros: Int64
    /// A third party that pays instead of the shopper or the merchant, when its rule holds.
    public let sponsor: SponsorRule?
    /// When the shopper pays: charges below this are collected and settled to the merchant
    /// once per shopper and month, with an itemised statement (0: each is settled at once).
    public let settlementThresholdMicros: Int64

    public init(payer: Payer, perMinuteMicros: Int64, billingIncrementSeconds: Int, setupFeeMicros: Int64,
                minimumChargeMicros: Int64 = 0, platformFeeBasisPoints: Int = 0, monthlyCommitmentMicros: Int64 = 0,
                sponsor: SponsorRule? = nil, settlementThresholdMicros: Int64 = 0) throws(DomainError) {
        guard perMinuteMicros >= 0, setupFeeMicros >= 0, minimumChargeMicros >= 0, monthlyCommitmentMicros >= 0,
              settlementThresholdMicros >= 0 else {
            throw .invalid("prices must not be negative")
        }
        guard (1...3_600).contains(billingIncrementSeconds) else { throw .invalid("billingIncrementSeconds must be 1…3600") }
        guard (0...10_000).contains(platformFeeBasisPoints) else { throw .invalid("platformFeeBasisPoints must be 0…10000") }
        self.payer = payer
        self.perMinuteMicros = perMinuteMicros
        self.billingIncrementSeconds = billingIncrementSeconds
        self.setupFeeMicros = setupFeeMicros
        self.minimumChargeMicros = minimumChargeMicros
        self.platformFeeBasisPoints = platformFeeBasisPoints
        self.monthlyCommitmentMicros = monthlyCommitmentMicros
        self.sponsor = sponsor
        self.settlementThresholdMicros = settlementThresholdMicros
    }

    private enum CodingKeys: String, CodingKey {
        case payer, perMinuteMicros, billingIncrementSeconds, setupFeeMicros, minimumChargeMicros, platformFeeBasisPoints
        case monthlyCommitmentMicros, sponsor, settlementThresholdMicros
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        payer = try container.decode(Payer.self, forKey: .payer)
        perMinuteMicros = try container.decode(Int64.self, forKey: .perMinuteMicros)
        billingIncrementSeconds = try container.decode(Int.self, forKey: .billingIncrementSeconds)
        setupFeeMicros = try container.decode(Int64.self, forKey: .setupFeeMicros)
        minimumChargeMicros = try container.decodeIfPresent(Int64.self, forKey: .minimumChargeMicros) ?? 0
        platformFeeBasisPoints = try container.decodeIfPresent(Int.self, forKey: .platformFeeBasisPoints) ?? 0
        monthlyCommitmentMicros = try container.decodeIfPresent(Int64.self, forKey: .monthlyCommitmentMicros) ?? 0
        sponsor = try container.decodeIfPresent(SponsorRule.self, forKey: .sponsor)
        settlementThresholdMicros = try container.decodeIfPresent(Int64.self, forKey: .settlementThresholdMicros) ?? 0
    }
}

/// A sponsor (a brand, a marketplace) pays for calls about carts worth at least
/// `minimumCartValueMicros`.
public struct SponsorRule: Equatable, Sendable, Codable {
    public let sponsorId: String
    public let minimumCartValueMicros: Int64

    public init(sponsorId: String, minimumCartValueMicros: Int64) throws(DomainError) {
        guard (2...40).contains(sponsorId.count),
              sponsorId.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw .invalid("sponsor.sponsorId must be 2…40 lowercase letters, digits or '-'")
        }
        guard minimumCartValueMicros >= 0 else { throw .invalid("sponsor.minimumCartValueMicros must not be negative") }
        self.sponsorId = sponsorId
        self.minimumCartValueMicros = minimumCartValueMicros
    }
}
