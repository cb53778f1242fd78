/// Writes a report as GitHub-flavoured Markdown: headings, pipe tables, paragraphs.
///
/// User text is escaped so that it shows as written and never becomes markup: `&`, `<` and `>`
/// become entities (no raw HTML passes through), the characters that Markdown reads as markup
/// (`\` `` ` `` `*` `_` `[` `]` `|` `~` `#`) are backslash-escaped, a paragraph cannot open a list,
/// quote or heading, line breaks become spaces and other controls visible escapes. Numeric columns
/// align right. Facts are a table of label, value (and definition); a chart is a table of its points.
enum MarkdownRenderer {
    /// The document as Markdown, ending with a line break.
    static func render(_ document: ReportDocument, labels: RendererLabels) -> String {
        var blocks = ["# " + inline(document.title)]
        if !document.subject.isEmpty { blocks.append(paragraph(document.subject)) }
        blocks.append(ReportRenderer.stampItems(document.stamp, labels: labels).map { item in
            let isCode = item.isHash && !item.value.isEmpty && item.value.allSatisfy(\.isHexDigit)
            let value = isCode ? "`" + item.value + "`" : inline(item.value)
            return inline(item.label) + ": " + value
        }.joined(separator: " · "))
        for section in document.sections {
            if !section.title.isEmpty { blocks.append("## " + inline(section.title)) }
            switch section.content {
            case .table(let table), .progress(let table):
                blocks.append(self.table(table))
                if table.rows.isEmpty { blocks.append(paragraph(labels.noRows)) }
            case .facts(let facts):
                blocks.append(self.table(ReportRenderer.dataTable(of: facts, labels: labels)))
            case .chart(let chart):
                blocks.append(self.table(ReportRenderer.dataTable(of: chart, labels: labels)))
            case .note(let text):
                blocks.append(paragraph(text))
            }
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// A pipe table with a header row; numeric columns align right.
    static func table(_ table: ReportTable) -> String {
        var lines = [row(table.columns.map(\.label))]
        lines.append("|" + table.columns.map { $0.isNumeric ? " ---: |" : " --- |" }.joined())
        for cells in table.rows {
            lines.append(row(ReportRenderer.cells(cells, count: table.columns.count).map(\.text)))
        }
        return lines.joined(separator: "\n")
    }

    static func row(_ texts: [String]) -> String {
        "|" + texts.map { " " + inline($0) + " |" }.joined()
    }

    /// User text as a paragraph: escaped, trimmed, and unable to start a block other than a paragraph.
    static func paragraph(_ text: String) -> String {
        var escaped = Substring(inline(text))
        while escaped.first == " " { escaped.removeFirst() } // four spaces would open a code block
        guard let first = escaped.first else { return "" }
        if "-+=".contains(first) { return "\\" + escaped } // a list item or a setext underline
        let digits = escaped.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, let after = escaped.dropFirst(digits.count).first, after == "." || after == ")" {
            return digits + "\\" + escaped.dropFirst(digits.count) // "1." would open an ordered list
        }
        return String(escaped)
    }

    /// User text escaped for inline Markdown on one line.
    static func inline(_ text: String) -> String {
        var out = ""
        for character in ReportRenderer.singleLine(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "|", "~", "#": out += "\\" + String(character)
            default: out.append(character)
            }
        }
        return out
    }
}
