/// Rows printed in columns as wide as their widest cell (the last column is not padded).
/// Cells are cut at `cellCharactersMax` and control characters shown as spaces, so one odd
/// value cannot wreck a terminal.
enum TextTable {
    static let cellCharactersMax = 80

    static func render(_ table: ReportTable) -> String {
        render(headers: table.columns, rows: table.rows.map { $0.map(\.plainText) })
    }

    static func render(headers: [String], rows: [[String]]) -> String {
        let all = [headers] + rows.map { $0.map(printable) }
        let widths = headers.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[column] - cell.count))
            }.joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n") + "\n"
    }

    fileprivate static func printable(_ text: String) -> String {
        let clean = String(text.map { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) ? " " : $0 })
        return clean.count > cellCharactersMax ? String(clean.prefix(cellCharactersMax - 1)) + "…" : clean
    }
}

extension String {
    /// The text without the spaces that padding left at its end (an empty last column).
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
