import Ledger

/// A report, ready to render in any format: a title, the stamp of what it was computed from,
/// and sections of tables, facts and charts. Labels are already in the report's language;
/// ids (`kind`, section and column ids) are stable English keys for JSON and CSV.
public struct ReportDocument: Sendable, Equatable {
    /// The report's id: `attendees`, `standings`, `impact` or `proposals`.
    public var kind: String
    /// The heading, translated.
    public var title: String
    /// What it is about (the engagement, contest or project), from the ledger.
    public var subject: String
    /// What the report was computed from.
    public var stamp: ReportStamp
    /// The body, in order.
    public var sections: [ReportSection]
    /// The id of the section whose table CSV output holds (`rows`, or `indicators` for impact):
    /// named, so that sections put before it (a summary, totals) never change what CSV holds.
    public var primary: String

    public init(kind: String, title: String, subject: String, stamp: ReportStamp, sections: [ReportSection], primary: String = "rows") {
        self.kind = kind
        self.title = title
        self.subject = subject
        self.stamp = stamp
        self.sections = sections
        self.primary = primary
    }

    /// The table that CSV output holds: the `primary` section's, or else the first table.
    public var primaryTable: ReportTable? {
        for section in sections where section.id == primary { if case .table(let table) = section.content { return table } }
        for section in sections { if case .table(let table) = section.content { return table } }
        return nil
    }
}

/// What a report was computed from: never the wall clock, so that the same events give the same bytes.
public struct ReportStamp: Sendable, Equatable {
    /// The first and last seq read (0...0 for an empty ledger).
    public var firstSeq: Int64
    public var lastSeq: Int64
    /// The SHA-256 of line `lastSeq`: with the seq, it pins the exact history.
    public var headHash: String
    /// The `recorded_at` of line `lastSeq`: when the history the report stands on was last
    /// added to (never the wall clock); nil for an empty ledger.
    public var headRecordedAt: String?
    /// `--as-of` as given: a seq, or a time (events that occurred by then); nil for the whole ledger.
    public var asOf: String?
    /// How many events the report took into account.
    public var eventsIncluded: Int64

    public init(firstSeq: Int64, lastSeq: Int64, headHash: String, headRecordedAt: String? = nil, asOf: String?, eventsIncluded: Int64) {
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.headHash = headHash
        self.headRecordedAt = headRecordedAt
        self.asOf = asOf
        self.eventsIncluded = eventsIncluded
    }
}

/// One part of a report.
public struct ReportSection: Sendable, Equatable {
    /// A stable key, such as `rows`, `totals`, `by_group`.
    public var id: String
    /// The heading, translated.
    public var title: String
    public var content: ReportContent

    public init(id: String, title: String, content: ReportContent) {
        self.id = id
        self.title = title
        self.content = content
    }
}

/// What a section holds.
public enum ReportContent: Sendable, Equatable {
    case table(ReportTable)
    /// Named values, such as totals.
    case facts([ReportFact])
    /// A bar chart (a breakdown) or a line (a series over time).
    case chart(ReportChart)
    /// A paragraph, such as an audit finding.
    case note(String)
    /// Figures against their targets: a table with the columns `label`, `period`, `target`,
    /// `actual` and `share` (the actual as a percentage of the target), drawn as progress bars in
    /// HTML and shown as the table elsewhere.
    case progress(ReportTable)
}

/// A table: columns, then rows of cells in column order.
public struct ReportTable: Sendable, Equatable {
    public var columns: [ReportColumn]
    public var rows: [[ReportCell]]
    /// How rows group for a reader (HTML shows a headed table per group); nil when the rows are
    /// one list. Other formats keep one list in the rows' own order.
    public var grouping: Grouping?

    /// Rows grouped by the text of one column: groups in `order` first (those with rows), then
    /// any other in the order it first appears; rows keep their order within a group.
    public struct Grouping: Sendable, Equatable {
        public var column: String
        public var order: [String]

        public init(column: String, order: [String]) {
            self.column = column
            self.order = order
        }
    }

    public init(columns: [ReportColumn], rows: [[ReportCell]], grouping: Grouping? = nil) {
        self.columns = columns
        self.rows = rows
        self.grouping = grouping
    }
}

/// A column: stable id, translated label.
public struct ReportColumn: Sendable, Equatable {
    public var id: String
    public var label: String
    /// Numbers align right.
    public var isNumeric: Bool
    /// Long prose (a definition): on paper, HTML prints it as numbered notes under the table
    /// rather than as a column, so the figures keep their width.
    public var isNote: Bool

    public init(id: String, label: String, isNumeric: Bool = false, isNote: Bool = false) {
        self.id = id
        self.label = label
        self.isNumeric = isNumeric
        self.isNote = isNote
    }
}

/// A cell's value, typed so that JSON keeps numbers as numbers.
public enum ReportCell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    /// A number shown with `decimals` decimals.
    case number(Double, decimals: Int)
    /// A measured value (an indicator's): shown with `decimals` decimals, exact in JSON, so that
    /// an auditor compares the figure itself, not its rounding.
    case measure(Double, decimals: Int)
    /// A flag, shown with a translated yes/no.
    case flag(Bool, label: String)
    /// A value from a fixed vocabulary (a status, group, district): JSON keeps the stable `code`,
    /// every other format shows the translated `label`.
    case term(String, label: String)
    /// A web address from the ledger: HTML links it when it is `http` or `https` (and shows any
    /// other as text); every other format shows the text.
    case link(String)
    case empty

    /// The value as text, as tables, CSV and HTML show it.
    public var text: String {
        switch self {
        case .text(let s): s
        case .integer(let i): String(i)
        case let .number(value, decimals), let .measure(value, decimals): ReportCell.format(value, decimals: decimals)
        case .flag(_, let label): label
        case .term(_, let label): label
        case .link(let address): address
        case .empty: ""
        }
    }

    /// `value` rounded half away from zero to `decimals` decimals, with a point.
    /// A value too large for that (beyond about 9.2 x 10^18 in units of the last decimal, which
    /// only an edited file can hold) is written as Swift writes a `Double`, such as `1e+300`.
    public static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "" }
        guard (0...18).contains(decimals) else { return value.description }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.2e18 else { return value.description }
        let units = Int64(scaled)
        var text = (value < 0 && units > 0 ? "-" : "") + String(units / scale)
        if decimals > 0 {
            let digits = String(units % scale)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return text
    }

    /// A whole number's cell: `.integer` toward zero, or, for a value beyond `Int`'s range (only
    /// an edited file holds one), `.measure` with no decimals, which writes it as `format` does.
    public static func whole(_ value: Double) -> ReportCell {
        abs(value) < 9.2e18 ? .integer(Int(value)) : .measure(value, decimals: 0)
    }
}

/// A named value.
public struct ReportFact: Sendable, Equatable {
    public var id: String
    public var label: String
    public var value: ReportCell
    /// How the value is defined, for the funder (optional).
    public var definition: String?

    public init(id: String, label: String, value: ReportCell, definition: String? = nil) {
        self.id = id
        self.label = label
        self.value = value
        self.definition = definition
    }
}

/// Bars (label, value), a line of points over time, or columns over time (counts per month).
public struct ReportChart: Sendable, Equatable {
    /// `bars`: one horizontal bar a point (a breakdown); `line`: points joined in time order;
    /// `columns`: one vertical bar a point in time order, with a second series drawn as a line.
    public enum Style: String, Sendable, Equatable { case bars, line, columns }
    public var style: Style
    /// What the values count, translated (the axis label).
    public var unit: String
    /// One series of points; for a line, the labels are the x axis in order.
    public var points: [(label: String, value: Double)]
    /// A second series drawn with the first (a line's cumulative total, say), or empty.
    public var secondSeries: [(label: String, value: Double)]
    public var seriesNames: [String]

    public init(style: Style, unit: String, points: [(label: String, value: Double)],
                secondSeries: [(label: String, value: Double)] = [], seriesNames: [String] = []) {
        self.style = style
        self.unit = unit
        self.points = points
        self.secondSeries = secondSeries
        self.seriesNames = seriesNames
    }

    public static func == (lhs: ReportChart, rhs: ReportChart) -> Bool {
        lhs.style == rhs.style && lhs.unit == rhs.unit && lhs.seriesNames == rhs.seriesNames
            && lhs.points.map(\.label) == rhs.points.map(\.label) && lhs.points.map(\.value) == rhs.points.map(\.value)
            && lhs.secondSeries.map(\.label) == rhs.secondSeries.map(\.label) && lhs.secondSeries.map(\.value) == rhs.secondSeries.map(\.value)
    }
}
