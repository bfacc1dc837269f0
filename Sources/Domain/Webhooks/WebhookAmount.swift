import Foundation

/// Platform amounts (`"19.99"`, `55`, `"0.005"`) to integer micro-units, exactly: the decimal
/// text is read digit by digit, never through floating point.
public enum WebhookAmount {
    /// Largest unit price accepted, as for catalog items: 1,000,000 of the currency.
    public static let maxMicros: Int64 = 1_000_000 * Money.microsPerUnit

    /// `"19.99"` → 19_990_000. At most 6 decimal places (more only if they are zeros), no sign,
    /// no exponent, at most `maxMicros`.
    public static func micros(_ text: String, field: String) throws(WebhookError) -> Int64 {
        let scalars = Array(text.utf8)
        guard !scalars.isEmpty, scalars.count <= 40 else { throw .malformed("\(field) must be a decimal amount such as \"19.99\"") }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        for byte in scalars {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                seenDigit = true
                let digit = Int64(byte - UInt8(ascii: "0"))
                if seenPoint {
                    if fractionDigits < 6 {
                        fraction = fraction * 10 + digit
                        fractionDigits += 1
                    } else if digit != 0 {
                        throw .malformed("\(field) has more than 6 decimal places: \(text.prefix(40))")
                    }
                } else {
                    whole = whole * 10 + digit
                    guard whole <= maxMicros / Money.microsPerUnit else { throw .malformed("\(field) is above \(maxMicros / Money.microsPerUnit)") }
                }
            case UInt8(ascii: "."):
                guard !seenPoint, seenDigit else { throw .malformed("\(field) must be a decimal amount such as \"19.99\", not \(text.prefix(40))") }
                seenPoint = true
            default:
                throw .malformed("\(field) must be a non-negative decimal amount such as \"19.99\", not \(text.prefix(40))")
            }
        }
        guard seenDigit, scalars.last != UInt8(ascii: ".") else { throw .malformed("\(field) must be a decimal amount such as \"19.99\"") }
        for _ in fractionDigits..<6 { fraction *= 10 }
        let micros = whole * Money.microsPerUnit + fraction
        guard micros <= maxMicros else { throw .malformed("\(field) is above \(maxMicros / Money.microsPerUnit)") }
        return micros
    }
}
