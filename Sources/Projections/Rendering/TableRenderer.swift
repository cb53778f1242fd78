/// Writes a report as aligned plain text for a terminal.
///
/// Columns are measured in terminal columns (`TerminalText.width`), so Cyrillic, wide CJK and
/// combining characters line up; numbers align right. A cell wider than `maximumColumnWidth` is cut
/// with an ellipsis (the other formats carry the full text). Every piece of user text goes through
/// `TerminalText.sanitized`, so no control character, C1 control or bidirectional override reaches
/// the terminal. Facts show as "label  value" lines without their definitions; charts as bars of `█`.
/// No colour, no trailing spaces.
enum TableRenderer {
    /// The widest a column gets, in terminal columns.
    static let maximumColumnWidth = 40
    /// The longest bar of a chart, in terminal columns.
    static let maximumBarWidth = 40

    /// A cell of aligned output: safe text, its side, and how many terminal columns it takes.
    struct Cell {
        var text: String
        var alignsRight: Bool
        var width: Int

        init(_ text: String, alignsRight: Bool = false) {
            self.text = TerminalText.sanitized(text)
            self.alignsRight = alignsRight
            width = TerminalText.width(self.text)
        }
    }

    /// The document as terminal text, ending with a line break.
    /// - Parameter whole: every cell whole (for a file or a pipe, or `--wide`), none cut at `maximumColumnWidth`.
    static func render(_ document: ReportDocument, labels: RendererLabels, whole: Bool = false) -> String {
        let widest = whole ? Int.max : maximumColumnWidth
        var lines = [safe(document.title)]
        if !document.subject.isEmpty { lines.append(safe(document.subject)) }
        lines.append(ReportRenderer.stampItems(document.stamp, labels: labels)
            .map { "\($0.label): \($0.value)" }.map(safe).joined(separator: " · "))
        for section in document.sections {
            let title = safe(section.title)
            lines.append("")
            if !title.isEmpty { lines += [title, String(repeating: "─", count: TerminalText.width(title))] }
            switch section.content {
            case .table(let table), .progress(let table): lines += tableLines(table, labels: labels, widest: widest)
            case .facts(let facts): lines += factLines(facts, widest: widest)
            case .chart(let chart): lines += chartLines(chart, labels: labels)
            case .note(let text):
                lines += text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { safe(String($0)) }
            }
        }
        var text = ""
        text.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            text += withoutTrailingSpaces(line)
            text += "\n"
        }
        return text
    }

    static func tableLines(_ table: ReportTable, labels: RendererLabels, widest: Int = maximumColumnWidth) -> [String] {
        let header = table.columns.map { Cell($0.label, alignsRight: $0.isNumeric) }
        let rows = table.rows.map { row in
            zip(ReportRenderer.cells(row, count: table.columns.count), table.columns).map { cell, column in
                Cell(cell.text, alignsRight: column.isNumeric)
            }
        }
        let lines = aligned([header] + rows, ruleAfterFirst: true, widest: widest)
        return rows.isEmpty ? lines + [safe(labels.noRows)] : lines
    }

    static func factLines(_ facts: [ReportFact], widest: Int = maximumColumnWidth) -> [String] {
        aligned(facts.map { [Cell($0.label), Cell($0.value.text, alignsRight: isNumber($0.value))] }, ruleAfterFirst: false, widest: widest)
    }

    /// One line a point: label, a bar of the first series scaled to its largest value, then the values.
    static func chartLines(_ chart: ReportChart, labels: RendererLabels) -> [String] {
        guard !chart.points.isEmpty || !chart.secondSeries.isEmpty else { return [safe(labels.noRows)] }
        let names = ReportRenderer.seriesNames(of: chart)
        let largest = chart.points.map(\.value).filter(\.isFinite).max() ?? 0
        let table = ReportRenderer.dataTable(of: chart, labels: labels)
        var rows: [[Cell]] = []
        if !names.first.isEmpty || !(names.second ?? "").isEmpty {
            rows.append([Cell(""), Cell("")] + [names.first, names.second].compactMap { $0 }.map { Cell($0, alignsRight: true) })
        }
        for (i, row) in table.rows.enumerated() {
            let value = i < chart.points.count ? chart.points[i].value : 0
            let bar = String(repeating: "█", count: barLength(value, largest: largest))
            rows.append([Cell(row[0].text), Cell(bar)] + row.dropFirst().map { Cell($0.text, alignsRight: true) })
        }
        return aligned(rows, ruleAfterFirst: false)
    }

    /// How many columns the bar of `value` takes: at least one for anything above zero.
    static func barLength(_ value: Double, largest: Double) -> Int {
        guard value.isFinite, value > 0, largest > 0 else { return 0 }
        return max(1, Int((value / largest * Double(maximumBarWidth)).rounded()))
    }

    /// `rows` laid out in columns two spaces apart, each as wide as its widest cell (at most
    /// `maximumColumnWidth`), with a rule of `─` under the first row when asked. Lines may end
    /// in spaces (after an empty last cell); `render` drops them.
    static func aligned(_ rows: [[Cell]], ruleAfterFirst: Bool, widest: Int = maximumColumnWidth) -> [String] {
        var widths: [Int] = []
        for row in rows {
            for (c, cell) in row.enumerated() {
                let width = min(cell.width, widest)
                if c < widths.count { widths[c] = max(widths[c], width) } else { widths.append(width) }
            }
        }
        func pad(_ line: inout String, _ count: Int) {
            var left = count
            while left > 0 {
                let run = min(left, spaceRuns.count - 1)
                line += spaceRuns[run]
                left -= run
            }
        }
        var lines: [String] = []
        lines.reserveCapacity(rows.count + 1)
        for row in rows {
            var line = ""
            for (c, cell) in row.enumerated() {
                if c > 0 { line += "  " }
                let room = widths[c] - cell.width
                if room < 0 {
                    line += TerminalText.padded(cell.text, to: widths[c]) // cut, with an ellipsis
                } else if cell.alignsRight {
                    pad(&line, room)
                    line += cell.text
                } else if c < row.count - 1 {
                    line += cell.text
                    pad(&line, room)
                } else {
                    // The last cell: `render` trims the spaces after it, so none are written, but
                    // one after a non-ASCII ending, with which a space can make one character
                    // (a Prepend scalar, U+0600...) that trimming then keeps, as it did the padding.
                    line += cell.text
                    if room > 0, let last = cell.text.utf8.last, last >= 0x80 { line += " " }
                }
            }
            lines.append(line)
        }
        if ruleAfterFirst, !lines.isEmpty {
            lines.insert(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "), at: 1)
        }
        return lines
    }

    /// Runs of 0 to 64 spaces, made once.
    private static let spaceRuns = (0...64).map { String(repeating: " ", count: $0) }

    static func isNumber(_ cell: ReportCell) -> Bool {
        switch cell {
        case .integer, .number, .measure: true
        default: false
        }
    }

    static func safe(_ text: String) -> String { TerminalText.sanitized(text) }

    static func withoutTrailingSpaces(_ line: String) -> String {
        guard line.utf8.last == UInt8(ascii: " ") else { return line }
        var line = Substring(line)
        while line.last == " " { line.removeLast() }
        return String(line)
    }
}
