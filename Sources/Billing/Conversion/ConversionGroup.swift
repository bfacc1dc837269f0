import Domain

/// One side of the conversion comparison — carts offered a call, or held out — with how
/// many converted (checked out) and their revenue per currency. Shared by
/// `cartline-finance report conversion` and the merchant console, so both count alike.
public struct ConversionGroup: Sendable, Equatable {
    public let name: String
    public var carts = 0
    public var converted = 0
    public var revenueMicros: [Currency: Int64] = [:]

    public init(name: String) { self.name = name }

    public var rate: Double? { carts == 0 ? nil : Double(converted) / Double(carts) }

    /// Counts one cart, with its checkout total when it converted.
    public mutating func count(checkout: Money?) {
        carts += 1
        guard let checkout else { return }
        converted += 1
        revenueMicros[checkout.currency, default: 0] &+= checkout.amountMicros
    }

    /// Splits carts into the two groups. An offer wins: a cart that was held out once and
    /// offered later saw the offer. A cart in neither is not counted.
    public static func split<Carts: Sequence>(_ carts: Carts) -> (offered: ConversionGroup, holdout: ConversionGroup)
    where Carts.Element == (offered: Bool, holdout: Bool, checkout: Money?) {
        var offered = ConversionGroup(name: "offered")
        var holdout = ConversionGroup(name: "holdout")
        for cart in carts {
            if cart.offered { offered.count(checkout: cart.checkout) } else if cart.holdout { holdout.count(checkout: cart.checkout) }
        }
        return (offered, holdout)
    }
}
