import Ledger

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
            (self.text, width) = TerminalText.measured(text)
            self.alignsRight = alignsRight
        }

        /// A cell of text already measured and safe as it is.
        init(safe text: String, width: Int, alignsRight: Bool) {
            self.text = text
            self.width = width
            self.alignsRight = alignsRight
        }
    }

    /// The document as terminal text, ending with a line break.
    /// - Parameter whole: every cell whole (for a file or a pipe, or `--wide`), none cut at `maximumColumnWidth`.
    static func render(_ document: ReportDocument, labels: RendererLabels, whole: Bool = false) -> String {
        let widest = whole ? Int.max : maximumColumnWidth
        var out = Lines()
        out.append(safe(document.title))
        if !document.subject.isEmpty { out.append(safe(document.subject)) }
        out.append(ReportRenderer.stampItems(document.stamp, labels: labels)
            .map { "\($0.label): \($0.value)" }.map(safe).joined(separator: " · "))
        for section in document.sections {
            let title = safe(section.title)
            out.append("")
            if !title.isEmpty {
                out.append(title)
                out.append(String(repeating: "─", count: TerminalText.width(title)))
            }
            switch section.content {
            case .table(let table), .progress(let table): tableLines(table, labels: labels, widest: widest, into: &out)
            case .facts(let facts): factLines(facts, widest: widest, into: &out)
            case .chart(let chart): chartLines(chart, labels: labels, into: &out)
            case .note(let text):
                for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) { out.append(safe(String(line))) }
            }
        }
        return out.text
    }

    /// Terminal text as it is written: lines, each ending in a line break and without the spaces
    /// it ended in (as `withoutTrailingSpaces` drops them). Spaces are held back until text
    /// follows them on their line, so those a line ends in are never written.
    struct Lines {
        private(set) var text = ""
        /// Where the line being written starts, in UTF-8 bytes of `text`.
        private var lineStart = 0
        /// Spaces written to the line and not yet to `text`.
        private var heldSpaces = 0

        /// Appends `line` as a whole line.
        mutating func append(_ line: String) {
            appendText(line)
            endLine()
        }

        /// Appends `piece` to the line being written.
        mutating func appendText(_ piece: String) {
            guard piece.utf8.withContiguousStorageIfAvailable({ $0.last }) ?? piece.utf8.last == UInt8(ascii: " ") else {
                if !piece.isEmpty { writeHeldSpaces() }
                text += piece
                return
            }
            let spaces = piece.utf8.reversed().prefix { $0 == UInt8(ascii: " ") }.count
            if spaces < piece.utf8.count {
                writeHeldSpaces()
                text += String(piece.utf8.dropLast(spaces))!
            }
            heldSpaces += spaces
        }

        /// Appends `count` spaces to the line being written.
        mutating func appendSpaces(_ count: Int) { heldSpaces += count }

        /// Ends the line being written: the spaces it ends in dropped, a line break added.
        mutating func endLine() {
            if heldSpaces > 0, text.utf8.count > lineStart, let last = text.unicodeScalars.last, last.value >= 0x600 {
                // A space may make one character with the scalar before it (a Prepend scalar,
                // U+0600 and others above it, none below), which trimming keeps: trimmed
                // character by character.
                let start = text.utf8.index(text.utf8.startIndex, offsetBy: lineStart)
                let line = withoutTrailingSpaces(String(text[start...]) + String(repeating: " ", count: heldSpaces))
                text.removeSubrange(start...)
                text += line
            }
            heldSpaces = 0
            text += "\n"
            lineStart = text.utf8.count
        }

        /// Appends whole lines, each ending in a line break, after the last line ended.
        mutating func appendLines(_ lines: String) {
            text += lines
            lineStart = text.utf8.count
        }

        /// The lines written, without their line breaks.
        var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

        mutating func reserveCapacity(_ count: Int) { text.reserveCapacity(count) }

        private mutating func writeHeldSpaces() {
            while heldSpaces > 0 {
                let run = min(heldSpaces, Lines.spaceRuns.count - 1)
                text += Lines.spaceRuns[run]
                heldSpaces -= run
            }
        }

        /// Runs of 0 to 64 spaces, made once.
        private static let spaceRuns = (0...64).map { String(repeating: " ", count: $0) }
    }

    static func tableLines(_ table: ReportTable, labels: RendererLabels, widest: Int = maximumColumnWidth, into out: inout Lines) {
        let header = table.columns.map { Cell($0.label, alignsRight: $0.isNumeric) }
        // A long table is measured, then written, in two halves at once, joined in order. The
        // first pass keeps each cell's width (-1 for one whose text had to be made safe, made
        // again when written), not the cell.
        let halves = Parallel.halves(of: table.rows.count)
        let measured = Parallel.map(halves) { range in
            var half = Half(widths: Array(repeating: 0, count: table.columns.count), cells: [])
            half.cells.reserveCapacity(range.count * table.columns.count)
            for row in table.rows[range].lazy.map({ ReportRenderer.cells($0, count: table.columns.count) }) {
                for c in half.widths.indices {
                    let text = row[c].text
                    let cell = Cell(text, alignsRight: false)
                    half.widths[c] = max(half.widths[c], min(cell.width, widest))
                    half.cells.append(cell.text.utf8.count == text.utf8.count ? Int32(cell.width) : -1) // sanitizing lengthens
                }
            }
            return half
        }
        let widths = measured.reduce(Self.widths(of: [header], widest: widest)) { zip($0, $1.widths).map(max) }
        write([header], widths: widths, into: &out)
        out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        let texts = Parallel.map(Array(zip(halves, measured))) { range, half in
            var lines = Lines()
            lines.reserveCapacity(range.count * (widths.reduce(0, +) * 2 + 2 * widths.count + 1))
            var k = 0
            for row in table.rows[range].lazy.map({ ReportRenderer.cells($0, count: table.columns.count) }) {
                for c in widths.indices {
                    let text = row[c].text, alignsRight = table.columns[c].isNumeric
                    let width = Int(half.cells[k])
                    write(width >= 0 ? Cell(safe: text, width: width, alignsRight: alignsRight) : Cell(text, alignsRight: alignsRight),
                          column: c, widths: widths, into: &lines)
                    k += 1
                }
                lines.endLine()
            }
            return lines.text
        }
        out.reserveCapacity(out.text.utf8.count + texts.reduce(0) { $0 + $1.utf8.count } + 1 << 16) // and room for what follows
        for text in texts { out.appendLines(text) }
        if table.rows.isEmpty { out.append(safe(labels.noRows)) }
    }

    /// A half of a table's rows, measured: each column's widest cell, and each cell's width.
    struct Half: Sendable {
        var widths: [Int]
        var cells: [Int32]
    }

    static func factLines(_ facts: [ReportFact], widest: Int = maximumColumnWidth, into out: inout Lines) {
        aligned(facts.map { [Cell($0.label), Cell($0.value.text, alignsRight: isNumber($0.value))] }, ruleAfterFirst: false, widest: widest, into: &out)
    }

    /// One line a point: label, a bar of the first series scaled to its largest value, then the values.
    static func chartLines(_ chart: ReportChart, labels: RendererLabels, into out: inout Lines) {
        guard !chart.points.isEmpty || !chart.secondSeries.isEmpty else { return out.append(safe(labels.noRows)) }
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
        aligned(rows, ruleAfterFirst: false, into: &out)
    }

    /// How many columns the bar of `value` takes: at least one for anything above zero.
    static func barLength(_ value: Double, largest: Double) -> Int {
        guard value.isFinite, value > 0, largest > 0 else { return 0 }
        return max(1, Int((value / largest * Double(maximumBarWidth)).rounded()))
    }

    /// `rows` laid out in columns two spaces apart, each as wide as its widest cell (at most
    /// `maximumColumnWidth`), with a rule of `─` under the first row when asked, written into
    /// `out` line by line (which drops the spaces a line ends in).
    static func aligned(_ rows: [[Cell]], ruleAfterFirst: Bool, widest: Int = maximumColumnWidth, into out: inout Lines) {
        let widths = Self.widths(of: rows, widest: widest)
        guard ruleAfterFirst, let first = rows.first else { return write(rows, widths: widths, into: &out) }
        write([first], widths: widths, into: &out)
        out.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "))
        write(rows.dropFirst(), widths: widths, into: &out)
    }

    /// How wide each column of `rows` is: its widest cell, at most `widest`. A row may have
    /// fewer cells than another; the table has as many columns as its longest row.
    static func widths(of rows: some Collection<[Cell]>, widest: Int) -> [Int] {
        var widths: [Int] = []
        for row in rows {
            for (c, cell) in row.enumerated() {
                let width = min(cell.width, widest)
                if c < widths.count { widths[c] = max(widths[c], width) } else { widths.append(width) }
            }
        }
        return widths
    }

    /// `rows` written as lines of cells two spaces apart, each column padded to `widths`.
    static func write(_ rows: some Collection<[Cell]>, widths: [Int], into out: inout Lines) {
        for row in rows {
            for (c, cell) in row.enumerated() { write(cell, column: c, widths: widths, into: &out) }
            out.endLine()
        }
    }

    /// `cell` written as column `c` of a line: after two spaces unless it is the first, padded to
    /// `widths[c]` (or cut, with an ellipsis).
    static func write(_ cell: Cell, column c: Int, widths: [Int], into out: inout Lines) {
        if c > 0 { out.appendSpaces(2) }
        let room = widths[c] - cell.width
        if room < 0 {
            out.appendText(TerminalText.padded(cell.text, to: widths[c]))
        } else if cell.alignsRight {
            out.appendSpaces(room)
            out.appendText(cell.text)
        } else {
            out.appendText(cell.text)
            out.appendSpaces(room)
        }
    }

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
