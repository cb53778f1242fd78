/// Writes a report as one self-contained HTML file that reads well on a phone.
///
/// - Self-contained: the style sheet is inline, charts are inline SVG (`SVGChart`), and nothing
///   links to a style sheet, script, font or image elsewhere. There is no script at all, and a
///   Content-Security-Policy forbids every fetch and script, so that even a mistake in escaping
///   could not run code or call out.
/// - Escaped (OWASP XSS rule 1): all user text goes through `text(_:)`, which escapes
///   `& < > " '`; every attribute is quoted; no user text is written inside `<style>`. Controls and
///   bidirectional overrides in user text are shown as visible escapes, line breaks as spaces
///   (in notes, as `<br>`).
/// - Layout: a centred column at most 72rem wide; tables whose cells wrap, and that become one card
///   of "label: value" lines per row on a narrow screen, so nothing scrolls sideways or hides;
///   numeric columns right-aligned; facts as cards; figures against targets as labelled bars; a
///   chart's numbers in a table that opens under it; light and dark colours; the stamp under the title.
/// - Print: A4 with margins, table headers repeated on each page, no heading left at a page's
///   foot, and long prose columns (definitions) as numbered notes under their table.
/// - Links: a `.link` cell is a link only when its address is `http` or `https`, and never opens
///   with the report's origin (`rel="noopener noreferrer"`).
enum HTMLRenderer {
    /// The document as an HTML file, ending with a line break.
    static func render(_ document: ReportDocument, labels: RendererLabels) -> String {
        let heading = document.subject.isEmpty ? document.title : document.title + " — " + document.subject
        var out = """
        <!DOCTYPE html>
        <html lang="\(text(labels.language))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <title>\(text(heading))</title>
        <style>
        \(stylesheet)
        </style>
        </head>
        <body>
        <main>
        <header>
        <h1>\(text(document.title))</h1>\n
        """
        if !document.subject.isEmpty { out += "<p class=\"subject\">\(text(document.subject))</p>\n" }
        out += "<p class=\"stamp\">" + ReportRenderer.stampItems(document.stamp, labels: labels).map { item in
            let value = item.isHash ? "<code>\(text(item.value))</code>" : text(item.value)
            return "<span>\(text(item.label)): \(value)</span>"
        }.joined(separator: " · ") + "</p>\n</header>\n"
        for section in document.sections {
            out += "<section id=\"\(text(section.id))\">\n"
            if !section.title.isEmpty { out += "<h2>\(text(section.title))</h2>\n" }
            switch section.content {
            case .table(let table):
                out += table.grouping == nil ? self.table(table) : groupedTables(table)
                if table.rows.isEmpty { out += "<p class=\"empty\">\(text(labels.noRows))</p>\n" }
            case .progress(let table):
                out += progress(table)
            case .facts(let facts):
                out += self.facts(facts, isSummary: section.id == "summary")
            case .chart(let chart):
                out += "<figure>\n" + SVGChart.render(chart, title: section.title, labels: labels) + "</figure>\n"
                if !chart.points.isEmpty || !chart.secondSeries.isEmpty {
                    out += "<details>\n<summary>\(text(labels.data))</summary>\n"
                        + self.table(ReportRenderer.dataTable(of: chart, labels: labels)) + "</details>\n"
                }
            case .note(let note):
                let lines = note.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { text(String($0)) }
                out += "<p class=\"\(section.id == "funding" ? "funding" : "note")\">\(lines.joined(separator: "<br>"))</p>\n"
            }
            out += "</section>\n"
        }
        return out + "</main>\n</body>\n</html>\n"
    }

    /// A table that shows every column whatever the width: cells wrap (long text, class `long`,
    /// in a column wide enough to read), and on a narrow screen each row becomes a card of
    /// "label: value" lines (each cell carries its column's label for that). Nothing scrolls sideways.
    ///
    /// A column marked `isNote` is a column on screen and, on paper, a numbered note under the
    /// table (its number by the row's first cell): the print style sheet swaps one for the other.
    static func table(_ table: ReportTable) -> String {
        func header(_ column: ReportColumn) -> String { column.isNumeric ? " class=\"num\"" : column.isNote ? " class=\"notecol\"" : "" }
        func kind(_ cell: ReportCell, _ column: ReportColumn) -> String {
            if column.isNumeric { return " class=\"num\"" }
            if column.isNote { return " class=\"notecol\"" }
            if case .link = cell { return " class=\"link\"" } // an address breaks anywhere: no room kept for it
            return cell.text.count > longText ? " class=\"long\"" : ""
        }
        let noteColumns = table.columns.indices.filter { table.columns[$0].isNote }
        var notes: [String] = []
        var out = "<div class=\"table\">\n<table>\n<thead><tr>"
        for column in table.columns { out += "<th scope=\"col\"\(header(column))>\(text(column.label))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            let cells = ReportRenderer.cells(row, count: table.columns.count)
            let note = noteColumns.map { cells[$0].text }.filter { !$0.isEmpty }.joined(separator: " ")
            if !note.isEmpty { notes.append(note) }
            out += "<tr>"
            for (c, (cell, column)) in zip(cells, table.columns).enumerated() {
                let reference = c == 0 && !note.isEmpty ? "<sup class=\"ref\">\(notes.count)</sup>" : ""
                out += "<td\(kind(cell, column)) data-label=\"\(text(column.label))\">\(content(cell))\(reference)</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n</div>\n"
        if !notes.isEmpty {
            out += "<ol class=\"notes\">\n" + notes.map { "<li>\(text($0))</li>\n" }.joined() + "</ol>\n"
        }
        return out
    }

    /// A cell's content: its text, escaped, or a link for an `http` or `https` address.
    static func content(_ cell: ReportCell) -> String {
        guard case .link(let address) = cell else { return text(cell.text) }
        let scheme = address.prefix { $0 != ":" }.lowercased()
        guard scheme == "http" || scheme == "https", address.dropFirst(scheme.count).hasPrefix("://") else { return text(address) }
        return "<a href=\"\(text(address))\" rel=\"noopener noreferrer nofollow\">\(text(address))</a>"
    }

    /// A table by its `grouping`: a heading (the group and its count of rows), then the group's
    /// rows as a table, for each group with rows.
    static func groupedTables(_ table: ReportTable) -> String {
        guard let grouping = table.grouping, let column = table.columns.firstIndex(where: { $0.id == grouping.column }) else { return self.table(table) }
        var order = grouping.order
        var groups: [String: [[ReportCell]]] = [:]
        for row in table.rows {
            let key = ReportRenderer.cells(row, count: table.columns.count)[column].text
            if groups[key] == nil, !order.contains(key) { order.append(key) }
            groups[key, default: []].append(row)
        }
        return order.filter { groups[$0] != nil }.map { key in
            "<h3>\(text(key)) <span class=\"count\">(\(groups[key]!.count))</span></h3>\n"
                + self.table(ReportTable(columns: table.columns, rows: groups[key]!))
        }.joined()
    }

    /// Figures against targets: per row, its label and period, "actual / target (share %)" as
    /// text, and a bar whose filled part is the actual, with a mark at the target, drawn in SVG
    /// (which prints without background colours). The numbers are text: the bar never says alone.
    static func progress(_ table: ReportTable) -> String {
        func cell(_ row: [ReportCell], _ id: String) -> ReportCell {
            table.columns.firstIndex { $0.id == id }.map { ReportRenderer.cells(row, count: table.columns.count)[$0] } ?? .empty
        }
        func value(_ cell: ReportCell) -> Double? {
            switch cell {
            case .integer(let v): Double(v)
            case .number(let v, _), .measure(let v, _): v.isFinite ? v : nil
            default: nil
            }
        }
        var out = "<ul class=\"progress\">\n"
        for row in table.rows {
            let actual = cell(row, "actual"), target = cell(row, "target"), share = cell(row, "share")
            var figure = actual.text.isEmpty ? "–" : actual.text
            figure += " / " + target.text
            if !share.text.isEmpty { figure += " (" + share.text + " %)" }
            out += "<li><div class=\"figure\"><span class=\"label\">\(text(cell(row, "label").text))</span> "
                + "<span class=\"value\">\(text(figure))</span></div>\n"
            if let goal = value(target), goal > 0 {
                let reached = value(actual) ?? 0
                let full = max(goal, reached)
                let fill = SVGChart.number(max(0, reached) / full * 100), mark = SVGChart.number(goal / full * 100)
                out += "<svg class=\"bar\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" aria-hidden=\"true\">"
                    + "<rect class=\"track\" x=\"0\" y=\"0\" width=\"100\" height=\"8\"/>"
                    + "<rect class=\"\(reached >= goal ? "c3" : "c1")\" x=\"0\" y=\"0\" width=\"\(fill)\" height=\"8\"/>"
                    + "<line class=\"mark\" x1=\"\(mark)\" y1=\"0\" x2=\"\(mark)\" y2=\"8\"/></svg>\n"
            }
            let period = cell(row, "period").text
            if !period.isEmpty { out += "<div class=\"period\">\(text(period))</div>" }
            out += "</li>\n"
        }
        return out + "</ul>\n"
    }

    /// How many characters make a cell's text long enough to wrap.
    static let longText = 32

    /// Facts as a grid of cards: label, value, definition. A summary's facts (long text: names,
    /// dates, a hash) are smaller, in wider cards.
    static func facts(_ facts: [ReportFact], isSummary: Bool = false) -> String {
        var out = isSummary ? "<dl class=\"facts summary\">\n" : "<dl class=\"facts\">\n"
        for fact in facts {
            out += "<div><dt>\(text(fact.label))</dt><dd class=\"value\">\(text(fact.value.text))</dd>"
            if let definition = fact.definition { out += "<dd class=\"definition\">\(text(definition))</dd>" }
            out += "</div>\n"
        }
        return out + "</dl>\n"
    }

    /// User text, safe in HTML content and in a quoted attribute: on one line, `& < > " '` escaped.
    static func text(_ userText: String) -> String {
        var out = ""
        for character in ReportRenderer.singleLine(userText) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The page's style: fixed text, never user text.
    static let stylesheet = """
    :root { color-scheme: light dark; --fg: #1d2733; --muted: #5b6776; --bg: #ffffff; --panel: #f3f6f9;
      --rule: #d8dfe6; --grid: #e6ebf0; --c1: #2a6bb3; --c2: #d97a1e; --c3: #2e8540; --eu: #003399; }
    @media (prefers-color-scheme: dark) {
      :root { --fg: #e4e9ee; --muted: #9aa6b3; --bg: #12171c; --panel: #1b2229; --rule: #313b45;
        --grid: #26303a; --c1: #6aa6e8; --c2: #f2a15a; --c3: #5cb870; --eu: #8fb0ff; }
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
    body { margin: 0; background: var(--bg); color: var(--fg);
      font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif; }
    main { max-width: 72rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
    header { border-bottom: 2px solid var(--rule); margin-bottom: 1.5rem; padding-bottom: .75rem; }
    h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .35rem; }
    h2 { font-size: 1.2rem; line-height: 1.3; margin: 0 0 .6rem; }
    .subject { font-size: 1.1rem; margin: 0 0 .5rem; }
    .stamp { color: var(--muted); font-size: .85rem; margin: 0; overflow-wrap: anywhere; }
    .stamp span { white-space: nowrap; }
    .stamp code { font-size: .8rem; white-space: normal; word-break: break-all; }
    section { margin: 0 0 2.25rem; }
    .table { border: 1px solid var(--rule); border-radius: 6px; }
    table { border-collapse: collapse; width: 100%; font-size: .92rem; }
    th, td { padding: .45rem .6rem; text-align: left; vertical-align: top; border-bottom: 1px solid var(--rule); }
    th { background: var(--panel); font-weight: 600; }
    th, td { white-space: normal; overflow-wrap: anywhere; }
    th:not(.num), td:not(.num) { min-width: 5.5rem; }
    td.long { min-width: 11rem; }
    td.link { font-size: .85rem; }
    tbody tr:nth-child(even) { background: var(--panel); }
    tbody tr:last-child td { border-bottom: 0; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    @media (max-width: 44rem) {
      .table table, .table thead, .table tbody, .table tr, .table td { display: block; }
      .table thead { display: none; }
      .table tr { border-bottom: 1px solid var(--rule); padding: .35rem 0; }
      .table td { display: grid; grid-template-columns: minmax(6.5rem, 38%) 1fr; gap: .6rem; border: 0; padding: .15rem .7rem; min-width: 0; overflow-wrap: anywhere; }
      .table td::before { content: attr(data-label); color: var(--muted); font-weight: 600; }
      .table td.num { text-align: left; white-space: normal; }
    }
    .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .75rem; margin: 0; }
    .facts div { background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; padding: .7rem .9rem; }
    .facts dt { color: var(--muted); font-size: .9rem; }
    .facts dd { margin: 0; }
    .facts .value { font-size: 1.5rem; font-weight: 600; font-variant-numeric: tabular-nums; }
    .facts .definition { color: var(--muted); font-size: .8rem; margin-top: .3rem; }
    .facts.summary { grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
    .facts.summary .value { font-size: 1rem; overflow-wrap: anywhere; }
    .funding { border-left: 4px solid var(--eu); padding: .5rem .9rem; margin: 0; font-weight: 600; }
    h3 { font-size: 1.05rem; margin: 1.2rem 0 .5rem; }
    h3 .count { color: var(--muted); font-weight: 400; }
    .progress { list-style: none; margin: 0; padding: 0; display: grid; gap: .9rem; }
    .progress .figure { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .2rem 1rem; }
    .progress .value { font-weight: 600; font-variant-numeric: tabular-nums; }
    .progress .period { color: var(--muted); font-size: .8rem; }
    svg.bar { display: block; width: 100%; height: .8rem; margin: .25rem 0; }
    svg.bar .track { fill: var(--grid); }
    svg.bar .mark { stroke: var(--fg); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
    svg .c3 { fill: var(--c3); }
    svg .column1 { fill: var(--c1); }
    .ref { font-size: .7em; margin-left: .2em; }
    .notes, .ref { display: none; }
    figure { margin: 0; }
    svg.chart { display: block; width: 100%; height: auto; max-width: 28rem; }
    svg.line { max-width: 38rem; }
    svg text { fill: var(--fg); }
    svg text.muted { fill: var(--muted); }
    svg .c1 { fill: var(--c1); }
    svg .c2 { fill: var(--c2); }
    svg .line1 { fill: none; stroke: var(--c1); stroke-width: 2.5; stroke-linejoin: round; }
    svg .line2 { fill: none; stroke: var(--c2); stroke-width: 2.5; stroke-linejoin: round; }
    svg .axis { stroke: var(--muted); stroke-width: 1; }
    svg .grid { stroke: var(--grid); stroke-width: 1; }
    details { margin-top: .6rem; font-size: .9rem; }
    summary { color: var(--muted); cursor: pointer; margin-bottom: .4rem; }
    .note { background: var(--panel); border-left: 4px solid var(--c2); border-radius: 4px; margin: 0; padding: .6rem .9rem; }
    .empty { color: var(--muted); font-style: italic; }
    @page { size: A4; margin: 14mm 12mm; }
    @media print {
      body { font-size: 10pt; background: #fff; color: #000; }
      main { max-width: none; padding: 0; }
      .table { border: 0; }
      table { font-size: 8.5pt; }
      th, td { padding: .25rem .35rem; }
      thead { display: table-header-group; }
      tr, .facts div, figure { break-inside: avoid; }
      h1, h2, h3 { break-after: avoid; }
      details { display: none; }
      th.notecol, td.notecol { display: none; }
      .notes { display: block; font-size: 8pt; margin: .4rem 0 0; padding-left: 1.6rem; }
      .notes li { break-inside: avoid; }
      .ref { display: inline; }
      .progress li { break-inside: avoid; }
    }
    """
}
