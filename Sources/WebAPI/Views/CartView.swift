import Domain
import Engine
import Foundation

/// A cart as the API shows it.
struct CartView: Codable, Sendable {
    struct Item: Codable, Sendable {
        let sku: String
        let name: String
        let unitPrice: MoneyView
        let quantity: Int
        let lineTotal: MoneyView
    }

    let id: String
    let merchantId: String
    let status: String
    let version: Int64
    let currency: String
    let items: [Item]
    let itemCount: Int
    let total: MoneyView
    let orderRef: String?
    let openedAt: Date
    let lastActivityAt: Date

    init(_ cart: Versioned<CartState>) {
        let state = cart.state
        self.id = state.id.uuidString.lowercased()
        self.merchantId = state.merchantId
        self.status = state.status.rawValue
        self.version = cart.version
        self.currency = state.currency.code
        self.items = state.lines.map { Item(sku: $0.sku, name: $0.name, unitPrice: MoneyView($0.unitPrice), quantity: $0.quantity, lineTotal: MoneyView($0.total)) }
        self.itemCount = state.itemCount
        self.total = MoneyView(state.total)
        self.orderRef = state.orderRef
        self.openedAt = state.openedAt
        self.lastActivityAt = state.lastActivityAt
    }
}

struct CartListView: Codable, Sendable {
    let carts: [CartView]
}
