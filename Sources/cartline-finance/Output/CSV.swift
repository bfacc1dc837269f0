import Foundation

/// RFC 4180 CSV: fields holding a comma, a quote, CR or LF are quoted, quotes doubled;
/// records end with CRLF.
enum CSV {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func record(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }

    static func render(_ table: ReportTable) -> String {
        var text = record(table.columns)
        for row in table.rows { text += record(row.map(\.plainText)) }
        return text
    }
}
