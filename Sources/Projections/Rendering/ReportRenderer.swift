/// A format a report can be written in; the raw value is what `--format` takes.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// Aligned text for a terminal; user text is made safe to print.
    case table
    /// One JSON object with documented, stable keys (see `JSONRenderer`).
    case json
    /// RFC 4180 CSV of the report's primary table, neutralised against formula injection.
    case csv
    /// GitHub-flavoured Markdown, user text escaped.
    case md
    /// One self-contained HTML file with inline SVG charts, user text escaped.
    case html
}

/// The few fixed words that the renderers write themselves, already in the report's language.
///
/// Everything else (titles, column labels, flag labels) comes translated in the `ReportDocument`.
public struct RendererLabels: Sendable, Equatable {
    /// The BCP 47 language code for `<html lang>`: `en`, `kk` or `ru`.
    public var language: String
    /// Opens the stamp: "Computed from".
    public var computedFrom: String
    /// Names the seq range in the stamp: "seq".
    public var sequence: String
    /// Names the count of events the report took into account: "events".
    public var events: String
    /// Names the hash of the last event read: "head SHA-256".
    public var headHash: String
    /// Names the head line's `recorded_at`: "recorded at".
    public var recordedAt: String
    /// Names the `--as-of` point: "as of".
    public var asOf: String
    /// Heads the label column of a chart's or facts' table: "Item".
    public var item: String
    /// Heads the value column of facts: "Value".
    public var value: String
    /// Heads the definition column of facts: "Definition".
    public var definition: String
    /// Opens the table of a chart's numbers under the chart in HTML: "Data".
    public var data: String
    /// Stands in for a table or chart with nothing in it: "No rows.".
    public var noRows: String

    /// Creates labels from words already translated.
    public init(language: String, computedFrom: String, sequence: String, events: String, headHash: String, recordedAt: String,
                asOf: String, item: String, value: String, definition: String, data: String, noRows: String) {
        self.language = language
        self.computedFrom = computedFrom
        self.sequence = sequence
        self.events = events
        self.headHash = headHash
        self.recordedAt = recordedAt
        self.asOf = asOf
        self.item = item
        self.value = value
        self.definition = definition
        self.data = data
        self.noRows = noRows
    }

    /// The English words, the default language of reports.
    public static let english = RendererLabels(
        language: "en", computedFrom: "Computed from", sequence: "seq", events: "events",
        headHash: "head SHA-256", recordedAt: "recorded at", asOf: "as of", item: "Item", value: "Value", definition: "Definition",
        data: "Data", noRows: "No rows.")
}

/// Writes a `ReportDocument` in one of the `ReportFormat`s.
///
/// Every format is deterministic: the same document and labels always give the same bytes
/// (no clock, no randomness, no dictionary order), so a report can be reproduced and diffed.
public enum ReportRenderer {
    /// The document written in `format`.
    ///
    /// - Parameters:
    ///   - document: The report to write.
    ///   - format: The output format.
    ///   - labels: The fixed words the renderers add, in the report's language.
    ///   - whole: for `table`, every cell whole rather than cut to fit a terminal.
    /// - Returns: The whole output, ending with a line break. CSV of a document with no table is empty.
    public static func render(_ document: ReportDocument, as format: ReportFormat, labels: RendererLabels, whole: Bool = false) -> String {
        switch format {
        case .table: TableRenderer.render(document, labels: labels, whole: whole)
        case .json: JSONRenderer.render(document)
        case .csv: CSVRenderer.render(document)
        case .md: MarkdownRenderer.render(document, labels: labels)
        case .html: HTMLRenderer.render(document, labels: labels)
        }
    }
}

// MARK: - Shared by the renderers

extension ReportRenderer {
    /// The stamp as label/value pairs, in the order every format shows them; `isHash` marks the head hash.
    static func stampItems(_ stamp: ReportStamp, labels: RendererLabels) -> [(label: String, value: String, isHash: Bool)] {
        var items: [(label: String, value: String, isHash: Bool)] = [
            (labels.computedFrom, "\(labels.sequence) \(stamp.firstSeq)-\(stamp.lastSeq)", false),
            (labels.events, String(stamp.eventsIncluded), false),
            (labels.headHash, stamp.headHash, true),
        ]
        if let recordedAt = stamp.headRecordedAt { items.append((labels.recordedAt, recordedAt, false)) }
        if let asOf = stamp.asOf { items.append((labels.asOf, asOf, false)) }
        return items
    }

    /// A chart value as people read it: whole numbers without a point, others with at most two decimals.
    static func chartValueText(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return ReportCellFormat.decimal(value)
    }

    /// The names of a chart's series: the first defaults to the unit; the second is nil when there is none.
    static func seriesNames(of chart: ReportChart) -> (first: String, second: String?) {
        let first = chart.seriesNames.first ?? chart.unit
        guard !chart.secondSeries.isEmpty else { return (first, nil) }
        return (first, chart.seriesNames.count > 1 ? chart.seriesNames[1] : "")
    }

    /// A chart's numbers as a table (label, first series, second series), for formats that show them as text.
    static func dataTable(of chart: ReportChart, labels: RendererLabels) -> ReportTable {
        let names = seriesNames(of: chart)
        var columns = [ReportColumn(id: "label", label: labels.item), ReportColumn(id: "value", label: names.first, isNumeric: true)]
        if let second = names.second { columns.append(ReportColumn(id: "second", label: second, isNumeric: true)) }
        let count = max(chart.points.count, chart.secondSeries.count)
        let rows: [[ReportCell]] = (0..<count).map { i in
            let label = i < chart.points.count ? chart.points[i].label : chart.secondSeries[i].label
            var row: [ReportCell] = [.text(label), i < chart.points.count ? .text(chartValueText(chart.points[i].value)) : .empty]
            if names.second != nil {
                row.append(i < chart.secondSeries.count ? .text(chartValueText(chart.secondSeries[i].value)) : .empty)
            }
            return row
        }
        return ReportTable(columns: columns, rows: rows)
    }

    /// Facts as a table (label, value, and definition when any fact has one).
    static func dataTable(of facts: [ReportFact], labels: RendererLabels) -> ReportTable {
        let hasDefinitions = facts.contains { $0.definition != nil }
        var columns = [ReportColumn(id: "label", label: labels.item), ReportColumn(id: "value", label: labels.value, isNumeric: true)]
        if hasDefinitions { columns.append(ReportColumn(id: "definition", label: labels.definition)) }
        let rows: [[ReportCell]] = facts.map { fact in
            var row: [ReportCell] = [.text(fact.label), fact.value]
            if hasDefinitions { row.append(fact.definition.map(ReportCell.text) ?? .empty) }
            return row
        }
        return ReportTable(columns: columns, rows: rows)
    }

    /// The cells of `row` fitted to `count` columns: missing cells are empty, extra cells dropped.
    static func cells(_ row: [ReportCell], count: Int) -> [ReportCell] {
        row.count == count ? row : (0..<count).map { $0 < row.count ? row[$0] : .empty }
    }

    /// User text on one line and safe to show: line breaks and tabs become spaces, and every other
    /// control or bidirectional override is shown as a visible escape (`TerminalText.sanitized`).
    static func singleLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where previous == "\r": break // CR LF is one break
            case "\r", "\n", "\t": out.append(" ")
            default: out.append(scalar)
            }
            previous = scalar
        }
        return TerminalText.sanitized(String(out))
    }
}
