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

struct CompleteCheckoutBody: Decodable {
    static let fields: Set<String> = ["orderRef"]
    let orderRef: String
}
