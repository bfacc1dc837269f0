import Foundation

extension LedgerEntry {
    /// Decodes a stored event body of a ledger event type; `nil` for any other type, so a
    /// replay can feed every event of a stream through here.
    public static func decode(eventType: String, json: Data) throws(LedgerError) -> LedgerEntry? {
        let decoder = LedgerJSON.decoder
        do {
            switch eventType {
            case FundsTransferred.eventType: return .transferred(try decoder.decode(FundsTransferred.self, from: json))
            case HoldPlaced.eventType: return .holdPlaced(try decoder.decode(HoldPlaced.self, from: json))
            case HoldPosted.eventType: return .holdPosted(try decoder.decode(HoldPosted.self, from: json))
            case HoldVoided.eventType: return .holdVoided(try decoder.decode(HoldVoided.self, from: json))
            case HoldExpired.eventType: return .holdExpired(try decoder.decode(HoldExpired.self, from: json))
            default: return nil
            }
        } catch {
            throw .invalid("a stored \(eventType) does not decode: \(error)")
        }
    }

    /// The event body as JSON, the way `decode(eventType:json:)` reads it back.
    public func encodedJSON() throws(LedgerError) -> Data {
        let encoder = LedgerJSON.encoder
        do {
            switch self {
            case .transferred(let event): return try encoder.encode(event)
            case .holdPlaced(let event): return try encoder.encode(event)
            case .holdPosted(let event): return try encoder.encode(event)
            case .holdVoided(let event): return try encoder.encode(event)
            case .holdExpired(let event): return try encoder.encode(event)
            }
        } catch {
            throw .invalid("a \(eventType) does not encode: \(error)")
        }
    }
}
