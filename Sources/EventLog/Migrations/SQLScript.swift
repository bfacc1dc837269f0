/// Splits a SQL file into statements at top-level semicolons.
///
/// PostgresNIO sends every query through the extended protocol, which takes one statement
/// at a time, so a migration file is cut here. Semicolons inside quotes (`'…'`, `"…"`),
/// dollar quotes (`$$…$$`, `$tag$…$tag$`), line comments and nested block comments do not
/// end a statement. Statements that are only whitespace or comments are dropped.
enum SQLScript {
    static func statements(in sql: String) -> [String] {
        let scalars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var hasCode = false
        var index = 0

        func flush() {
            if hasCode { statements.append(String(current).trimmingWhitespace()) }
            current = String.UnicodeScalarView()
            hasCode = false
        }
        /// Copies scalars up to and including the first occurrence of `terminator`.
        func copy(through terminator: [Unicode.Scalar]) {
            while index < scalars.count {
                if scalars[index...].starts(with: terminator) {
                    current.append(contentsOf: terminator)
                    index += terminator.count
                    return
                }
                current.append(scalars[index])
                index += 1
            }
        }

        while index < scalars.count {
            let scalar = scalars[index]
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case ";":
                index += 1
                flush()
            case "-" where next == "-":
                copy(through: ["\n"])
            case "/" where next == "*":
                var depth = 0
                repeat {
                    if scalars[index...].starts(with: ["/", "*"]) { depth += 1; current.append(contentsOf: ["/", "*"]); index += 2 }
                    else if scalars[index...].starts(with: ["*", "/"]) { depth -= 1; current.append(contentsOf: ["*", "/"]); index += 2 }
                    else { current.append(scalars[index]); index += 1 }
                } while depth > 0 && index < scalars.count
            case "'", "\"":
                hasCode = true
                current.append(scalar)
                index += 1
                // A doubled quote inside is an escaped quote: copying to the next quote and
                // continuing in the same state handles it, since the next pass sees a new quote.
                copy(through: [scalar])
            case "$":
                hasCode = true
                if let tag = dollarTag(in: scalars, at: index) {
                    current.append(contentsOf: tag)
                    index += tag.count
                    copy(through: tag)
                } else {
                    current.append(scalar)
                    index += 1
                }
            default:
                if !scalar.properties.isWhitespace { hasCode = true }
                current.append(scalar)
                index += 1
            }
        }
        flush()
        return statements
    }

    /// `$$` or `$tag$` starting at `index`, where tag is letters, digits and underscores.
    private static func dollarTag(in scalars: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        var end = index + 1
        while end < scalars.count, scalars[end].properties.isAlphabetic || scalars[end] == "_" || ("0"..."9").contains(scalars[end]) {
            end += 1
        }
        guard end < scalars.count, scalars[end] == "$" else { return nil }
        if end > index + 1, ("0"..."9").contains(scalars[index + 1]) { return nil }  // $1 is a parameter
        return Array(scalars[index...end])
    }
}

private extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
