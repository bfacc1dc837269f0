import Foundation

/// Maps a platform notification onto a Cartline cart: the cart's events that make it what the
/// platform says. Pure: the caller derives the ids and passes the state and the time.
///
/// - A snapshot (and the items of a checkout or order) is diffed against the cart: items
///   gone are removed, new ones added, changed quantities changed; an item whose price
///   changed is removed and added again at the new price. Prices are the platform's.
/// - Checkout started: the diff, then `startCheckout` (an empty cart does not check out).
/// - Order placed: the diff (when the order lists items), then checkout and its completion.
/// - A completed cart changes no more: anything later is acknowledged and ignored.
public enum PlatformCartSync {
    /// Where a notification lands: which cart, for whom, at which merchant.
    public struct Target: Equatable, Sendable {
        public let cartId: UUID
        public let shopperId: UUID
        public let merchantId: String
        public let currency: Currency

        public init(cartId: UUID, shopperId: UUID, merchantId: String, currency: Currency) {
            self.cartId = cartId
            self.shopperId = shopperId
            self.merchantId = merchantId
            self.currency = currency
        }
    }

    /// The currency the notification is priced in, checked against the merchant's.
    public static func checkCurrency(_ notification: PlatformCartNotification, merchantCurrency: Currency) throws(WebhookError) {
        if let currency = notification.currency, currency != merchantCurrency {
            throw .currencyMismatch("the notification is priced in \(currency); this merchant sells in \(merchantCurrency)")
        }
    }

    /// The cart's sku of a platform line: the platform's sku when it is a valid Cartline sku,
    /// else `v-<variant id>` (letters, digits, '-', '_', '.' kept), so a line keeps one sku
    /// across notifications.
    public static func sku(of line: PlatformCartNotification.Line) throws(WebhookError) -> String {
        if let sku = line.sku, isValidSku(sku) { return sku }
        if let variant = line.variantId {
            let cleaned = "v-" + String(variant.unicodeScalars.filter(isSkuScalar).map(Character.init))
            if cleaned.count > 2, isValidSku(cleaned) { return cleaned }
        }
        throw .malformed("a line item needs a sku (letters, digits, '-', '_', '.') or a variant id: '\(line.title.prefix(40))' has neither")
    }

    public static func decide(_ notification: PlatformCartNotification, target: Target, state: CartState?, now: Date) throws(WebhookError) -> [CartEvent] {
        try checkCurrency(notification, merchantCurrency: target.currency)
        if state?.status == .completed { return [] }
        let desired = try desiredLines(notification, currency: target.currency)
        if state == nil, desired.isEmpty { return [] }  // an empty cart the platform made: nothing to record yet
        var current = state
        var events: [CartEvent] = []
        func apply(_ command: CartCommand) throws(WebhookError) {
            let decided: [CartEvent]
            do { decided = try Cart.decide(command, state: current, now: now) } catch { throw .malformed(error.description) }
            for event in decided { current = Cart.evolve(current, event) }
            events += decided
        }
        if current == nil {
            try apply(.open(cartId: target.cartId, shopperId: target.shopperId, merchantId: target.merchantId, currency: target.currency))
        }
        if notification.kind != .orderPlaced || !desired.isEmpty {
            try sync(to: desired, current: { current }, apply: apply)
        }
        guard let cart = current else { return events }
        switch notification.kind {
        case .cartSnapshot:
            break
        case .checkoutStarted:
            if !cart.lines.isEmpty, cart.status != .checkingOut { try apply(.startCheckout) }
        case .orderPlaced:
            guard !cart.lines.isEmpty else { throw .malformed("the order lists no items and the cart holds none: nothing to complete") }
            if cart.status != .checkingOut { try apply(.startCheckout) }
            let ref = String((notification.orderRef ?? notification.eventId).prefix(Cart.maxOrderRefLength))
            try apply(.completeCheckout(orderRef: ref))
        }
        return events
    }

    /// The lines the platform lists, by sku in first-seen order; repeated skus are summed.
    static func desiredLines(_ notification: PlatformCartNotification, currency: Currency) throws(WebhookError) -> [(item: CatalogItem, quantity: Int)] {
        var lines: [(item: CatalogItem, quantity: Int)] = []
        var index: [String: Int] = [:]
        for line in notification.lines {
            let sku = try sku(of: line)
            if let at = index[sku] {
                let quantity = lines[at].quantity + line.quantity
                guard Quantity.range.contains(quantity) else { throw .malformed("\(sku): quantity \(quantity) is above \(Quantity.range.upperBound)") }
                lines[at].quantity = quantity
                continue
            }
            let item: CatalogItem
            do {
                item = try CatalogItem(sku: sku, name: line.title, unitPrice: Money(amountMicros: line.unitPriceMicros, currency: currency))
            } catch { throw .malformed(error.description) }
            index[sku] = lines.count
            lines.append((item, line.quantity))
        }
        guard lines.count <= Cart.maxLines else { throw .malformed("a cart holds at most \(Cart.maxLines) different items, the notification lists \(lines.count)") }
        return lines
    }

    private static func sync(to desired: [(item: CatalogItem, quantity: Int)], current: () -> CartState?,
                             apply: (CartCommand) throws(WebhookError) -> Void) throws(WebhookError) {
        let wanted = Dictionary(desired.map { ($0.item.sku, $0) }, uniquingKeysWith: { first, _ in first })
        for line in current()?.lines ?? [] where wanted[line.sku] == nil { try apply(.removeItem(sku: line.sku)) }
        for (item, quantity) in desired {
            if let line = current()?.line(item.sku) {
                if line.unitPrice != item.unitPrice {
                    try apply(.removeItem(sku: item.sku))
                    try apply(.addItem(item, quantity: quantity))
                } else if line.quantity != quantity {
                    try apply(.changeQuantity(sku: item.sku, quantity: quantity))
                }
            } else {
                try apply(.addItem(item, quantity: quantity))
            }
        }
    }

    static func isValidSku(_ sku: String) -> Bool {
        (1...64).contains(sku.count) && sku.unicodeScalars.allSatisfy(isSkuScalar)
    }

    static func isSkuScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
    }
}
