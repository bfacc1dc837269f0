import Billing
import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// What a signed-in merchant user reads about their own merchant: live and past calls (the
/// agent console's list), spending in a month (usage as the invoice would show it, and by
/// day), issued invoices, and the conversion of offered carts against the holdout group.
struct MerchantConsoleReportRoutes {
    /// The conversion report's window unless `days` says otherwise.
    static let defaultConversionDays = 30

    let services: WebServices
    private var console: MerchantConsole { services.merchantConsole }

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/merchant/calls") { request, _ in
            let signedIn = try await console.session(of: request)
            let query = request.uri.queryParameters
            let filter = try AgentRoutes.filter(query.get("status").map { String($0) })
            let page = try AgentRoutes.integer(query.get("page").map { String($0) }, name: "page", default: 1, range: 1...AgentRoutes.maxPage)
            let pageSize = try AgentRoutes.integer(query.get("pageSize").map { String($0) }, name: "pageSize", default: AgentRoutes.defaultPageSize,
                                                   range: 1...OfferService.maxAgentPageSize)
            let found = try await services.offers.agentCalls(merchantId: signedIn.merchantId, filter: filter, page: page, pageSize: pageSize)
            let now = services.clock.now()
            let list = AgentCallList(merchantId: signedIn.merchantId, agentName: signedIn.login, status: filter.rawValue, page: page,
                                     pageSize: pageSize, total: found.total, pageCount: max(1, (found.total + pageSize - 1) / pageSize),
                                     calls: found.entries.map { AgentCallView($0, now: now) })
            return try APIResponse.json(list).noStore.response
        }
        table.add(.get, "/v1/merchant/spending") { request, _ in
            let signedIn = try await console.session(of: request)
            let merchant = try await Self.merchant(services, signedIn)
            let asked: String? = request.uri.queryParameters.get("month").map { String($0) }
            let period = try Self.month(asked ?? InvoicePeriod.containing(services.clock.now())?.description ?? "")
            let usage = try await services.invoicing.usage(merchantId: signedIn.merchantId, period: period)
            let (start, end) = period.interval
            let days = try await console.reports.spendingByDay(merchantId: signedIn.merchantId, from: start, to: end)
            let view = MerchantSpendingView(merchantId: signedIn.merchantId, month: period.description, currency: merchant.profile.currency.code,
                                            payer: merchant.profile.pricing.payer.rawValue, usage: InvoiceView(usage: usage),
                                            days: days.map { .init(day: $0.day, callCount: $0.callCount, amountMicros: $0.amountMicros) })
            return try APIResponse.json(view).noStore.response
        }
        table.add(.get, "/v1/merchant/invoices") { request, _ in
            let signedIn = try await console.session(of: request)
            let invoices = try await services.invoicing.invoices(merchantId: signedIn.merchantId)
            return try APIResponse.json(InvoiceListView(invoices: invoices.map { InvoiceView(issued: $0) })).noStore.response
        }
        table.add(.get, "/v1/merchant/conversion") { request, _ in
            let signedIn = try await console.session(of: request)
            let merchant = try await Self.merchant(services, signedIn)
            let days = try AgentRoutes.integer(request.uri.queryParameters.get("days").map { String($0) }, name: "days",
                                               default: Self.defaultConversionDays, range: 1...MerchantReports.maxWindowDays)
            let to = services.clock.now()
            let from = to.addingTimeInterval(-TimeInterval(days) * 86_400)
            let report = try await console.reports.conversion(merchantId: signedIn.merchantId, from: from, to: to)
            return try APIResponse.json(MerchantConversionView(report, currency: merchant.profile.currency, days: days)).noStore.response
        }
    }

    private static func merchant(_ services: WebServices, _ signedIn: MerchantConsole.SignedIn) async throws -> MerchantState {
        guard let merchant = try await services.merchants.merchant(signedIn.merchantId) else {
            throw Problem.notFound("no merchant \(signedIn.merchantId)")
        }
        return merchant
    }

    private static func month(_ text: String) throws -> InvoicePeriod {
        do { return try InvoicePeriod(parsing: text) } catch { throw Problem.invalid("month: \(error.description)") }
    }
}
