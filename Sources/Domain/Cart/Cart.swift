import Foundation

/// The cart decider: `decide` turns a command into events or refuses it; `evolve` folds
/// events into state. Pure: time is passed in, nothing is read or written.
public enum Cart {
    /// Most distinct items a cart holds, so a cart stays a bounded thing.
    public static let maxLines = 100
    public static let maxOrderRefLength = 64

    public static func decide(_ command: CartCommand, state: CartState?, now: Date) throws(DomainError) -> [CartEvent] {
        if case .open(let cartId, let shopperId, let merchantId, let currency) = command {
            guard state == nil else { throw .rejected("cart \(cartId) already exists") }
            return [.opened(CartOpened(cartId: cartId, shopperId: shopperId, merchantId: merchantId, currency: currency, openedAt: now))]
        }
        guard let state else { throw .notFound("no such cart") }
        if state.status == .completed { throw .rejected("the purchase is concluded; the cart can no longer change") }

        switch command {
        case .open:
            return []  // handled above
        case .addItem(let item, let quantity):
            try Quantity.validate(quantity)
            guard item.unitPrice.currency == state.currency else {
                throw .rejected("the cart is in \(state.currency); \(item.sku) is priced in \(item.unitPrice.currency)")
            }
            if let line = state.line(item.sku) {
                let combined = line.quantity + quantity
                try Quantity.validate(combined)
                return [.quantityChanged(QuantityChanged(sku: item.sku, quantity: combined, at: now))]
            }
            guard state.lines.count < maxLines else { throw .rejected("a cart holds at most \(maxLines) different items") }
            return [.itemAdded(ItemAdded(sku: item.sku, name: item.name, unitPrice: item.unitPrice, quantity: quantity, at: now))]
        case .changeQuantity(let sku, let quantity):
            try Quantity.validate(quantity)
            guard let line = state.line(sku) else { throw .notFound("the cart holds no item \(sku)") }
            if line.quantity == quantity { return [] }
            return [.quantityChanged(QuantityChanged(sku: sku, quantity: quantity, at: now))]
        case .removeItem(let sku):
            guard state.line(sku) != nil else { throw .notFound("the cart holds no item \(sku)") }
            return [.itemRemoved(ItemRemoved(sku: sku, at: now))]
        case .startCheckout:
            guard !state.lines.isEmpty else { throw .rejected("an empty cart cannot be checked out") }
            if state.status == .checkingOut { return [] }
            return [.checkoutStarted(CheckoutStarted(at: now))]
        case .completeCheckout(let orderRef):
            guard !orderRef.isEmpty, orderRef.count <= maxOrderRefLength,
                  orderRef.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                throw .invalid("orderRef must be 1…\(maxOrderRefLength) printable characters")
            }
            guard state.status == .checkingOut else { throw .rejected("checkout has not been started") }
            return [.checkoutCompleted(CheckoutCompleted(orderRef: orderRef, total: state.total, at: now))]
        }
    }

    public static func evolve(_ state: CartState?, _ event: CartEvent) -> CartState? {
        if case .opened(let opened) = event {
            return CartState(id: opened.cartId, shopperId: opened.shopperId, merchantId: opened.merchantId,
                             currency: opened.currency, openedAt: opened.openedAt, lastActivityAt: opened.openedAt)
        }
        guard var state else { return nil }
        switch event {
        case .opened:
            break
        case .itemAdded(let added):
            state.lines.append(.init(sku: added.sku, name: added.name, unitPrice: added.unitPrice, quantity: added.quantity))
            state.touch(added.at)
        case .quantityChanged(let changed):
            if let index = state.lines.firstIndex(where: { $0.sku == changed.sku }) { state.lines[index].quantity = changed.quantity }
            state.touch(changed.at)
        case .itemRemoved(let removed):
            state.lines.removeAll { $0.sku == removed.sku }
            state.touch(removed.at)
        case .checkoutStarted(let started):
            state.status = .checkingOut
            state.lastActivityAt = started.at
        case .checkoutCompleted(let completed):
            state.status = .completed
            state.orderRef = completed.orderRef
            state.lastActivityAt = completed.at
        case .idled(let idled):
            state.idledAt = idled.at
        }
        return state
    }

    /// Folds a stream's events from nothing.
    public static func replay(_ events: [CartEvent]) -> CartState? {
        events.reduce(nil) { evolve($0, $1) }
    }
}

private extension CartState {
    /// A change to the items: a checkout in progress goes back to open, idleness ends.
    mutating func touch(_ at: Date) {
        lastActivityAt = at
        idledAt = nil
        if status == .checkingOut { status = .open }
    }
}
