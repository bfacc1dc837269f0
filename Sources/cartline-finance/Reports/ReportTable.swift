/// One cell of a report: text, an integer, or a number already written as exact decimal
/// text (amounts, rates), so every format prints the same digits.
enum Cell: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case number(String)

    var plainText: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .number(let text): text
        }
    }

    var json: JSONText {
        switch self {
        case .text(let text): .string(text)
        case .integer(let value): .integer(value)
        case .number(let text): .number(text)
        }
    }
}

/// A report as rows under named columns, with notes below; every output format renders it.
struct ReportTable: Sendable {
    var title: String
    var columns: [String]
    var rows: [[Cell]]
    var notes: [String] = []

    /// The rows as JSON objects whose keys follow the column order.
    var json: JSONText {
        .object([
            ("title", .string(title)),
            ("columns", .array(columns.map(JSONText.string))),
            ("rows", .array(rows.map { row in .object(Array(zip(columns, row.map(\.json)))) })),
            ("notes", .array(notes.map(JSONText.string))),
        ])
    }
}
