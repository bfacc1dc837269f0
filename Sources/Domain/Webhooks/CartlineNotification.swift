import Foundation

/// Cartline's own notification format, for any shop (documented in `openapi.yaml`,
/// `CartlineNotification`):
///
///     {"id": "evt-0001", "type": "cart.updated", "occurredAt": "2026-11-26T03:40:14Z",
///      "cart": {"token": "c-81f2", "customerId": "42", "currency": "EUR",
///               "items": [{"sku": "TEA-1", "title": "Teapot", "quantity": 2, "unitPrice": "12.50"}]},
///      "order": {"ref": "1001"}}
///
/// `type` is `cart.updated` (a snapshot of the whole cart), `checkout.started` or
/// `order.placed` (then `order.ref` is required). Signed in `Cartline-Signature`
/// (`CartlineSignatureHeader`).
public enum CartlineNotification {
    public static let types: [String: PlatformCartNotification.Kind] = [
        "cart.updated": .cartSnapshot, "checkout.started": .checkoutStarted, "order.placed": .orderPlaced,
    ]

    public static func parse(body: [UInt8]) throws(WebhookError) -> PlatformCartNotification {
        let payload = try WebhookJSON.decode(Payload.self, from: body, platform: "Cartline")
        guard let kind = types[payload.type] else {
            throw .malformed("type must be one of \(types.keys.sorted().joined(separator: ", ")), not '\(payload.type.prefix(40))'")
        }
        guard let eventId = try WebhookJSON.identifier(payload.id, field: "id") else { throw .malformed("id must not be empty") }
        guard let token = try WebhookJSON.identifier(payload.cart.token, field: "cart.token") else { throw .malformed("cart.token must not be empty") }
        guard let occurredAt = WebhookTimestamp.parse(payload.occurredAt) else {
            throw .malformed("occurredAt must be an ISO 8601 time such as 2026-11-26T03:40:14Z")
        }
        var orderRef: String?
        if kind == .orderPlaced {
            guard let ref = try WebhookJSON.identifier(payload.order?.ref, field: "order.ref"), ref.count <= Cart.maxOrderRefLength else {
                throw .malformed("order.placed needs order.ref (1…\(Cart.maxOrderRefLength) characters)")
            }
            orderRef = ref
        }
        let lines = try payload.cart.items.items.enumerated().map { index, item throws(WebhookError) in
            let field = "cart.items[\(index)]"
            guard let sku = try WebhookJSON.identifier(item.sku, field: "\(field).sku") else { throw .malformed("\(field).sku must not be empty") }
            return PlatformCartNotification.Line(
                sku: sku, variantId: nil, title: WebhookJSON.title(item.title, fallback: sku),
                quantity: try WebhookJSON.quantity(item.quantity, field: "\(field).quantity"),
                unitPriceMicros: try WebhookAmount.micros(item.unitPrice.text, field: "\(field).unitPrice"))
        }
        guard let currency = try WebhookJSON.currency(payload.cart.currency, field: "cart.currency") else {
            throw .malformed("cart.currency must be an ISO 4217 code such as EUR")
        }
        return PlatformCartNotification(platform: .cartline, kind: kind, cartToken: token,
                                        customerId: try WebhookJSON.identifier(payload.cart.customerId, field: "cart.customerId"),
                                        lines: lines, currency: currency, eventId: eventId, occurredAt: occurredAt, orderRef: orderRef)
    }

    struct Payload: Decodable {
        let id: String
        let type: String
        let occurredAt: String
        let cart: CartBody
        let order: OrderBody?
    }

    struct CartBody: Decodable {
        let token: String
        let customerId: String?
        let currency: String
        let items: BoundedLines<Item>
    }

    struct Item: Decodable, Sendable {
        let sku: String
        let title: String?
        let quantity: Int
        let unitPrice: DecimalText
    }

    struct OrderBody: Decodable {
        let ref: String
    }
}

/// `Cartline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (Stripe's
/// scheme): the timestamp is signed with the body, so an old delivery cannot be replayed
/// with a fresh time. Several `v1` may be given (one per secret during a rotation).
public struct CartlineSignatureHeader: Equatable, Sendable {
    public static let name = "Cartline-Signature"
    /// Most `v1` values read.
    public static let maxSignatures = 4

    public let timestamp: Int64
    public let signatures: [[UInt8]]

    public static func parse(_ header: String?) throws(WebhookError) -> CartlineSignatureHeader {
        guard let header else { throw .unsigned("\(name) is missing: sign the body as t=<unix seconds>,v1=<hex HMAC-SHA256>") }
        var timestamp: Int64?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",", maxSplits: 8) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t": timestamp = Int64(pair[1])
            case "v1":
                guard signatures.count < maxSignatures, let bytes = hexBytes(pair[1]) else { continue }
                signatures.append(bytes)
            default: continue
            }
        }
        guard let timestamp, timestamp > 0 else { throw .badSignature("\(name) has no valid t=<unix seconds>") }
        guard !signatures.isEmpty else { throw .badSignature("\(name) has no v1=<64 hex digits>") }
        return CartlineSignatureHeader(timestamp: timestamp, signatures: signatures)
    }

    /// The bytes a signature covers: `"<t>."` followed by the raw body.
    public static func signedPayload(timestamp: Int64, body: [UInt8]) -> [UInt8] {
        Array("\(timestamp).".utf8) + body
    }

    /// Checks the timestamp against `now` (either way, `WebhookLimits.signatureToleranceSeconds`).
    public func checkFresh(now: Date) throws(WebhookError) {
        let skew = now.timeIntervalSince1970 - Double(timestamp)
        guard abs(skew) <= WebhookLimits.signatureToleranceSeconds else {
            throw .stale("the signature's timestamp is \(Int(skew)) s from the server's clock (tolerance \(Int(WebhookLimits.signatureToleranceSeconds)) s)")
        }
    }

    /// 64 hex digits → 32 bytes; nil for anything else.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var index = 0
        while index < 64 {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
