/// Writes a report's primary table (its first table section) as RFC 4180 CSV.
///
/// - The header row holds the column *labels*, in the report's language, because CSV is opened by
///   people in spreadsheets; scripts that need stable keys read the JSON, which keys by column id.
/// - Lines end with CR LF (RFC 4180), the last one too. A field that holds a comma, a quote, CR or
///   LF is quoted, its quotes doubled. UTF-8, without a byte-order mark.
/// - Against formula injection (OWASP "CSV Injection", CWE-1236), a text field that starts with
///   `=`, `+`, `-`, `@`, a tab or CR gets a leading apostrophe, so a spreadsheet shows it as text
///   instead of running it. Numbers (`.integer`, `.number` cells) are data and never prefixed, so
///   `-2` stays a number; the same text `"-2"` in a text cell becomes `'-2`.
/// - Flags are written as their translated label; empty cells as empty fields.
/// - A document without a table gives empty output.
enum CSVRenderer {
    /// The CSV text of `document.primaryTable`, or "" when there is none.
    static func render(_ document: ReportDocument) -> String {
        guard let table = document.primaryTable else { return "" }
        var lines = [table.columns.map { field(text: $0.label) }.joined(separator: ",")]
        for row in table.rows {
            lines.append(ReportRenderer.cells(row, count: table.columns.count).map(field).joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// One cell as a CSV field.
    static func field(_ cell: ReportCell) -> String {
        switch cell {
        case .integer, .number, .measure, .empty: quotedIfNeeded(cell.text)
        case .text, .flag, .term, .link: field(text: TerminalText.sanitized(cell.text, keepingLineBreaks: true)) // ESC, C1 and bidi never reach a terminal
        }
    }

    /// Text as a CSV field: neutralised if a spreadsheet would take it for a formula, then quoted if needed.
    static func field(text: String) -> String {
        quotedIfNeeded(isFormulaLike(text) ? "'" + text : text)
    }

    /// True when a spreadsheet could read `text` as a formula: it starts with `=`, `+`, `-`, `@`, tab or CR.
    static func isFormulaLike(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first)
    }

    /// `text` in quotes, with quotes doubled, when it holds a comma, quote, CR or LF; else as it is.
    static func quotedIfNeeded(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
