import Billing
import Domain
import Foundation

/// A merchant's carts offered a call against its holdout group in a window: the two
/// groups as `cartline-finance report conversion` counts them (`ConversionGroup`), and the
/// uplift with its 95 % confidence interval when both groups have carts.
public struct MerchantConversion: Sendable {
    public let merchantId: String
    public let from: Date
    public let to: Date
    public let offered: ConversionGroup
    public let holdout: ConversionGroup
    public let uplift: Uplift?
    /// Whether the merchant has more carts than one look reads (`MerchantReports.maxCartsScanned`):
    /// then only the newest carts are counted.
    public let truncated: Bool
}
