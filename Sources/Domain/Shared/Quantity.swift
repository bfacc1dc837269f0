/// How many of one item a cart may hold: 1…999.
public enum Quantity {
    public static let range = 1...999

    public static func validate(_ quantity: Int) throws(DomainError) {
        guard range.contains(quantity) else {
            throw .invalid("quantity must be between \(range.lowerBound) and \(range.upperBound), not \(quantity)")
        }
    }
}
