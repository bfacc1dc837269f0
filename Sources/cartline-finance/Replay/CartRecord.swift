import Domain
import Foundation

/// A cart the engagement rules looked at: whether it got an offer or fell in the holdout
/// group, and what it was worth at checkout.
struct CartRecord: Sendable {
    let cartId: UUID
    /// When it first entered a group (its first offer or holdout evaluation).
    let enteredAt: Date
    var offered = false
    var holdout = false
    var checkout: Money?
}
