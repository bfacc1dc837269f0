import Foundation

/// A cart as its events describe it.
public struct CartState: Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        case open, checkingOut, completed
    }

    public struct Line: Equatable, Sendable, Codable {
        public let sku: String
        public let name: String
        public let unitPrice: Money
        public var quantity: Int

        public var total: Money { (try? unitPrice.multiplied(by: quantity)) ?? unitPrice }
    }

    public let id: UUID
    public let shopperId: UUID
    public let merchantId: String
    public let currency: Currency
    public var status: Status = .open
    /// In the order items were first added.
    public var lines: [Line] = []
    public var orderRef: String?
    public var openedAt: Date
    public var lastActivityAt: Date
    public var idledAt: Date?

    public var itemCount: Int { lines.reduce(0) { $0 + $1.quantity } }

    /// Sum of the lines; quantities and prices are bounded, so it cannot overflow.
    public var total: Money {
        lines.reduce(Money.zero(currency)) { (try? $0.adding($1.total)) ?? $0 }
    }

    public func line(_ sku: String) -> Line? { lines.first { $0.sku == sku } }
}
