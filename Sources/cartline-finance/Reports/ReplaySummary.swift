import Billing
import Domain
import Foundation

/// The replay's answer as of an instant: balances per account and currency, pending holds,
/// call records and anything the fold could not use. Sorted throughout, with fixed number
/// formatting, so the same log gives byte-identical output.
struct ReplaySummary {
    let asOf: Date
    let state: FinanceState

    private var balances: [AccountBalance] { state.ledger.balances() }
    private var calls: [CallRecord] { state.calls.values.sorted { $0.callId.uuidString < $1.callId.uuidString } }

    var balancesTable: ReportTable {
        ReportTable(title: "Balances", columns: ["account", "currency", "balance", "held", "available"], rows: balances.map {
            [.text($0.account.description), .text($0.currency.code),
             .number(Amount.text(micros: $0.balanceMicros, currency: $0.currency)),
             .number(Amount.text(micros: $0.heldMicros, currency: $0.currency)),
             .number(Amount.text(micros: $0.balanceMicros &- $0.heldMicros, currency: $0.currency))]
        })
    }

    var holdsTable: ReportTable {
        ReportTable(title: "Pending holds", columns: ["hold_id", "call_id", "account", "amount", "currency", "expires_at"],
                    rows: state.ledger.pendingHolds.map {
                        [.text($0.holdId), .text($0.callId.map { $0.uuidString.lowercased() } ?? "-"), .text($0.account.description),
                         .number(Amount.text(micros: $0.amountMicros, currency: $0.currency)), .text($0.currency.code),
                         .text(Timestamp.text($0.expiresAt))]
                    })
    }

    var callsTable: ReportTable {
        ReportTable(title: "Calls", columns: ["call_id", "merchant", "mode", "payer", "outcome", "billable_seconds", "charged", "currency"],
                    rows: calls.map { call in
                        [.text(call.callId.uuidString.lowercased()), .text(call.merchantId), .text(call.mode), .text(call.payer),
                         .text(call.outcomeText), .integer(call.billableSeconds),
                         .number(Amount.text(micros: state.charging(of: call).chargedMicros, currency: call.charge?.currency)),
                         .text(call.charge?.currency.code ?? "-")]
                    })
    }

    var problemsTable: ReportTable {
        ReportTable(title: "Events not folded", columns: ["position", "type", "stream", "reason"],
                    rows: state.problems.map { [.integer($0.position), .text($0.type), .text($0.stream), .text($0.reason)] })
    }

    var text: String {
        var out = "cartline-finance replay as of \(Timestamp.text(asOf))\n"
        out += "events folded: \(state.eventCount), ledger entries: \(state.ledger.postingCount), calls: \(state.calls.count)\n"
        for table in [balancesTable, holdsTable, callsTable] + (state.problems.isEmpty ? [] : [problemsTable]) {
            out += "\n\(table.title.lowercased())\n"
            out += table.rows.isEmpty ? "(none)\n" : TextTable.render(table)
        }
        if state.problemCount > state.problems.count { out += "(\(state.problemCount - state.problems.count) more events not folded)\n" }
        return out
    }

    var json: JSONText {
        func rows(_ table: ReportTable) -> JSONText {
            .array(table.rows.map { row in .object(Array(zip(table.columns, row.map(\.json)))) })
        }
        return .object([
            ("asOf", .string(Timestamp.text(asOf))),
            ("eventsFolded", .integer(state.eventCount)),
            ("ledgerEntries", .integer(Int64(state.ledger.postingCount))),
            ("balances", rows(balancesTable)),
            ("pendingHolds", rows(holdsTable)),
            ("calls", rows(callsTable)),
            ("problems", rows(problemsTable)),
            ("problemCount", .integer(Int64(state.problemCount))),
        ])
    }
}
