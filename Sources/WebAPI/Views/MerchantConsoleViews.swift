import Billing
import Domain
import Engine
import Foundation

/// The signed-in merchant console user.
struct MerchantSessionView: Encodable, Sendable {
    let merchantId: String
    let merchantName: String
    let login: String
    let role: String
    let issuedAt: Date
    let expiresAt: Date
}

/// An invitation as the admin API and the console hand it out: the code is shown once.
struct MerchantInvitationView: Encodable, Sendable {
    let merchantId: String
    let login: String
    let role: String
    /// `ABCD-EFGH`; stored only as a keyed hash.
    let code: String
    let expiresAt: Date
    /// Where the user sets their password.
    let console: String

    init(_ invitation: MerchantAccountService.Invitation) {
        merchantId = invitation.merchantId; login = invitation.login; role = invitation.role.rawValue
        code = invitation.code.description; expiresAt = invitation.expiresAt; console = "/merchant"
    }
}

/// `GET /v1/merchant/users`.
struct MerchantUserListView: Encodable, Sendable {
    struct Entry: Encodable, Sendable {
        let login: String
        let role: String
        /// `invited` (no password yet), `active`, `locked` (too many failures, for a while) or `revoked`.
        let status: String
        let invitedAt: Date
        let lastSignInAt: Date?
        let lockedUntil: Date?
    }

    let users: [Entry]
    let maxUsers: Int

    init(_ users: [MerchantUsersState.User], now: Date) {
        self.users = users.map { user in
            let locked = user.lockedUntil.map { $0 > now } ?? false
            let status = user.revoked ? "revoked" : locked ? "locked" : user.passwordHash != nil ? "active" : "invited"
            return Entry(login: user.login, role: user.role.rawValue, status: status, invitedAt: user.invitedAt, lastSignInAt: user.lastSignInAt,
                         lockedUntil: locked ? user.lockedUntil : nil)
        }
        self.maxUsers = MerchantUsers.maxUsers
    }
}

/// The answer to a user's revocation.
struct MerchantUserRevokedView: Encodable, Sendable {
    let merchantId: String
    let login: String
    let generation: Int
}

/// `GET /v1/merchant/spending`: what the merchant's calls cost it in a month, as its invoice
/// would show it, and by day (for the chart).
struct MerchantSpendingView: Encodable, Sendable {
    struct Day: Encodable, Sendable {
        let day: String
        let callCount: Int
        let amountMicros: Int64
    }

    let merchantId: String
    let month: String
    let currency: String
    /// Who pays for calls now (`shopper`: the merchant's usage stays at zero).
    let payer: String
    let usage: InvoiceView
    let days: [Day]
}

/// `GET /v1/merchant/conversion`: the merchant's carts offered a call against the holdout
/// group, counted as `cartline-finance report conversion` counts them.
struct MerchantConversionView: Encodable, Sendable {
    struct Group: Encodable, Sendable {
        let name: String
        let carts: Int
        let converted: Int
        /// Converted ÷ carts; absent when the group has no cart.
        let rate: Double?
        let rateText: String
        let revenueMicros: Int64
        let revenuePerCartMicros: Int64
    }

    struct UpliftView: Encodable, Sendable {
        let difference: Double
        let low: Double
        let high: Double
        let text: String
    }

    let merchantId: String
    let currency: String
    let from: Date
    let to: Date
    let days: Int
    let groups: [Group]
    let uplift: UpliftView?
    let note: String
    let truncated: Bool

    init(_ report: MerchantConversion, currency: Currency, days: Int) {
        merchantId = report.merchantId
        self.currency = currency.code
        from = report.from
        to = report.to
        self.days = days
        groups = [report.offered, report.holdout].map { group in
            let revenue = group.revenueMicros[currency] ?? 0
            return Group(name: group.name, carts: group.carts, converted: group.converted, rate: group.rate,
                         rateText: group.rate.map { Uplift.percentText($0) } ?? "n too small", revenueMicros: revenue,
                         revenuePerCartMicros: group.carts == 0 ? 0 : revenue / Int64(group.carts))
        }
        if let uplift = report.uplift {
            self.uplift = UpliftView(difference: uplift.difference, low: uplift.low, high: uplift.high,
                                     text: "uplift \(Uplift.text(uplift.difference)), 95% CI [\(Uplift.text(uplift.low)), \(Uplift.text(uplift.high))]")
            note = "uplift = offered rate - holdout rate, 95% CI (normal approximation)"
        } else {
            self.uplift = nil
            note = "uplift: n too small (a group has no cart: offered \(report.offered.carts), holdout \(report.holdout.carts))"
        }
        truncated = report.truncated
    }
}
