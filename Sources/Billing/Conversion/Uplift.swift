import Foundation

/// The difference of two conversion rates with a 95 % confidence interval (normal
/// approximation of the difference of two proportions, unpooled standard error).
/// Shared by `cartline-finance report conversion` and the merchant console.
public struct Uplift: Sendable, Equatable {
    public static let z95 = 1.959964

    public let difference: Double
    public let low: Double
    public let high: Double

    /// nil when either group has no cart: there is nothing to compare ("n too small").
    public init?(converted treated: Int, of treatedCount: Int, versus controlConverted: Int, of controlCount: Int) {
        guard treatedCount >= 1, controlCount >= 1 else { return nil }
        let p1 = Double(treated) / Double(treatedCount)
        let p2 = Double(controlConverted) / Double(controlCount)
        let standardError = (p1 * (1 - p1) / Double(treatedCount) + p2 * (1 - p2) / Double(controlCount)).squareRoot()
        difference = p1 - p2
        low = difference - Self.z95 * standardError
        high = difference + Self.z95 * standardError
    }

    /// A rate or difference as fixed decimal text, four places (`0.1250`, `-0.0333`).
    public static func text(_ value: Double) -> String {
        fixed(value, places: 4)
    }

    /// A rate as a percentage with two places (`66.67 %`).
    public static func percentText(_ rate: Double) -> String { fixed(rate * 100, places: 2) + " %" }

    private static func fixed(_ value: Double, places: Int) -> String {
        var unit: Int64 = 1
        for _ in 0..<places { unit *= 10 }
        let scaled = (value * Double(unit)).rounded()
        // Rates are within ±1; anything else (or NaN) would not fit an Int64 and means no rate.
        guard scaled.isFinite, abs(scaled) < 1e15 else { return "n/a" }
        let magnitude = Int64(abs(scaled))
        let sign = scaled < 0 ? "-" : ""
        let fraction = String(magnitude % unit)
        return "\(sign)\(magnitude / unit).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
    }
}
