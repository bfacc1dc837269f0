/// The reports `report` can make.
enum ReportKind: String, CaseIterable, Sendable {
    case calls, charges, revenue, invoices, conversion

    /// Builds this report over the state's window.
    func table(_ state: FinanceState, by: GroupBy) -> ReportTable {
        switch self {
        case .calls: CallsReport.table(state, by: by)
        case .charges: ChargesReport.table(state, by: by)
        case .revenue: RevenueReport.table(state, by: by)
        case .invoices: InvoicesReport.table(state)
        case .conversion: ConversionReport.table(state)
        }
    }
}
