import Foundation

/// How a report groups its rows.
enum GroupBy: String, CaseIterable, Sendable {
    case merchant, day, mode

    /// The group of something about `call` (nil: not about a call) recorded at `recordedAt`.
    func key(call: CallRecord?, merchantFallback: String? = nil, recordedAt: Date) -> String {
        switch self {
        case .merchant: call?.merchantId ?? merchantFallback ?? "-"
        case .day: Timestamp.day(recordedAt)
        case .mode: call?.mode ?? "-"
        }
    }
}
