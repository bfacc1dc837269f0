/// One thing a merchant sells, at the merchant's price.
public struct CatalogItem: Equatable, Sendable, Codable {
    public let sku: String
    public let name: String
    public let unitPrice: Money

    public init(sku: String, name: String, unitPrice: Money) throws(DomainError) {
        guard (1...64).contains(sku.count), sku.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }) else {
            throw .invalid("sku must be 1…64 letters, digits, '-', '_' or '.', not '\(sku)'")
        }
        guard (1...200).contains(name.count) else { throw .invalid("item name must be 1…200 characters") }
        guard unitPrice.amountMicros >= 0 else { throw .invalid("price of \(sku) must not be negative") }
        guard unitPrice.amountMicros <= 1_000_000 * Money.microsPerUnit else { throw .invalid("price of \(sku) is above 1,000,000") }
        self.sku = sku
        self.name = name
        self.unitPrice = unitPrice
    }
}
