import Billing
import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/admin/merchants/{merchantId}/usage` and `…/invoices`: what a merchant's calls cost it
/// (ASP usage, when the merchant pays) and its monthly invoices, behind the admin token.
struct BillingAdminRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        let admin = AdminRoutes(services: services)
        table.add(.get, "/v1/admin/merchants/{merchantId}/usage") { request, context in
            try admin.authorizeAdmin(request)
            let merchantId = try knownMerchantId(context)
            let asked: String? = request.uri.queryParameters.get("month").map { String($0) }
            let period = try month(asked ?? InvoicePeriod.containing(services.clock.now())?.description ?? "")
            let invoice = try await services.invoicing.usage(merchantId: merchantId, period: period)
            return try APIResponse.json(InvoiceView(usage: invoice)).response
        }
        table.add(.get, "/v1/admin/merchants/{merchantId}/invoices") { request, context in
            try admin.authorizeAdmin(request)
            let merchantId = try knownMerchantId(context)
            guard try await services.merchants.versioned(merchantId).state != nil else { throw Problem.notFound("no merchant \(merchantId)") }
            let invoices = try await services.invoicing.invoices(merchantId: merchantId)
            return try APIResponse.json(InvoiceListView(invoices: invoices.map { InvoiceView(issued: $0) })).response
        }
        table.add(.post, "/v1/admin/merchants/{merchantId}/invoices") { request, context in
            try admin.authorizeAdmin(request)
            let merchantId = try knownMerchantId(context)
            let body = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
            let input = try JSONBody.decode(IssueInvoiceBody.self, from: body, allowedFields: IssueInvoiceBody.fields)
            let issued = try await services.invoicing.issue(merchantId: merchantId, period: try month(input.month))
            return try APIResponse.json(InvoiceView(issued: issued), status: .created).response
        }
    }

    private func knownMerchantId(_ context: ShopperRequestContext) throws -> String {
        let id = try context.stringParameter("merchantId")
        if (try? Merchant.validateID(id)) == nil { throw Problem.notFound("no merchant \(id.prefix(40))") }
        return id
    }

    private func month(_ text: String) throws -> InvoicePeriod {
        do { return try InvoicePeriod(parsing: text) } catch { throw Problem.invalid("month: \(error.description)") }
    }
}

/// `POST …/invoices`.
struct IssueInvoiceBody: Decodable {
    static let fields: Set<String> = ["month"]
    let month: String
}

/// An invoice, issued or (for usage) as it stands.
struct InvoiceView: Encodable, Sendable {
    struct Line: Encodable, Sendable {
        let kind: String
        let text: String
        let callCount: Int
        let billableMinutes: Int64
        let amountMicros: Int64
    }

    let merchantId: String
    let month: String
    let currency: String
    let issued: Bool
    let issuedAt: Date?
    let callCount: Int
    let lines: [Line]
    let totalMicros: Int64

    init(usage invoice: Invoice) {
        merchantId = invoice.merchantId; month = invoice.period.description; currency = invoice.currency.code
        issued = false; issuedAt = nil; callCount = invoice.calls.count
        lines = invoice.lines.map(Self.line); totalMicros = invoice.totalMicros
    }

    init(issued invoice: InvoiceIssued) {
        merchantId = invoice.merchantId; month = invoice.period; currency = invoice.currency.code
        issued = true; issuedAt = invoice.at; callCount = invoice.callCount
        lines = invoice.lines.map(Self.line); totalMicros = invoice.totalMicros
    }

    static func line(_ line: InvoiceLine) -> Line {
        Line(kind: line.kind.rawValue, text: line.text, callCount: line.callCount, billableMinutes: line.billableMinutes, amountMicros: line.amountMicros)
    }
}

struct InvoiceListView: Encodable, Sendable {
    let invoices: [InvoiceView]
}
