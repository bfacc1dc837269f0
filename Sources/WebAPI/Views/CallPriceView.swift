import Domain

/// What a call costs and who pays, as the shopper is told before accepting an offer.
/// A sponsor is named only as "sponsor": which brand pays is the merchant's business.
struct CallPriceView: Encodable, Sendable {
    let payer: String
    let currency: String
    let perMinuteMicros: Int64
    let billingIncrementSeconds: Int
    let setupFeeMicros: Int64
    let minimumChargeMicros: Int64

    init(_ charge: ChargeTerms) {
        switch charge.payer {
        case .shopper: payer = "shopper"
        case .merchant: payer = "merchant"
        case .sponsor: payer = "sponsor"
        }
        currency = charge.currency.code
        perMinuteMicros = charge.perMinuteMicros
        billingIncrementSeconds = charge.billingIncrementSeconds
        setupFeeMicros = charge.setupFeeMicros
        minimumChargeMicros = charge.minimumChargeMicros
    }
}
