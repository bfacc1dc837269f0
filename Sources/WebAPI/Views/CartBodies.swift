import Foundation

/// Request bodies of the cart routes, decoded strictly by `JSONBody`.
struct OpenCartBody: Decodable {
    static let fields: Set<String> = ["merchantId"]
    let merchantId: String
}

struct AddItemBody: Decodable {
    static let fields: Set<String> = ["sku", "quantity"]
    let sku: String
    let quantity: Int
}

struct QuantityBody: Decodable {
    static let fields: Set<String> = ["quantity"]
    let quantity: Int
}

/// `orderRef` is the merchant's own order number when its shop has one; without it the
/// server assigns one (`CL-` and the cart's first eight hex digits): a shopper never types it.
struct CompleteCheckoutBody: Decodable {
    static let fields: Set<String> = ["orderRef"]
    let orderRef: String?

    static func assignedOrderRef(cartId: UUID) -> String {
        "CL-" + cartId.uuidString.prefix(8).uppercased()
    }
}
