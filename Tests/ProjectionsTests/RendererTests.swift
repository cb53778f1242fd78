import Foundation
import Testing
@testable import Projections

@Suite struct RendererTests {
    /// Figures are rounded half away from zero with integer arithmetic; one beyond the digits of
    /// `Int64` (only an edited file holds one) is written as Swift writes a `Double`, and
    /// trailing zeros are trimmed only after a decimal point.
    @Test func formatsEveryFiniteValueWithoutATrap() {
        #expect(ReportCell.format(2.345, decimals: 2) == "2.35" && ReportCell.format(-0.004, decimals: 2) == "0.00")
        #expect(ReportCell.format(-2.5, decimals: 0) == "-3" && ReportCell.format(430_000, decimals: 2) == "430000.00")
        #expect(ReportCell.format(92_233_720_368_547_758.07, decimals: 2) == "9.223372036854776e+16")
        #expect(ReportCell.format(1e300, decimals: 2) == "1e+300" && ReportCell.format(-1e300, decimals: 0) == "-1e+300")
        #expect(ReportCell.format(-9_223_372_036_854_775_808, decimals: 0) == "-9.223372036854776e+18")
        #expect(ReportCell.format(.infinity, decimals: 1) == "" && ReportCell.format(.nan, decimals: 1) == "")
        #expect(ReportCellFormat.decimal(1e300) == "1e+300" && ReportCellFormat.decimal(2.50) == "2.5" && ReportCellFormat.decimal(100) == "100")
        // IATI's values are xsd:decimal: every digit of a whole Double (as Python's int() gives them).
        #expect(ReportCellFormat.decimal(-0x1p53 * 1024, exactly: true) == "-9223372036854775808")
        #expect(ReportCellFormat.decimal(9.3e18, exactly: true) == "9300000000000000000")
        #expect(ReportCellFormat.decimal(1e300, exactly: true).hasPrefix("10000000000000000525047602552044202487044685811081591549158541155118024579889081"))
        #expect(ReportCellFormat.decimal(1e300, exactly: true).count == 301)
        #expect(ReportCellFormat.decimal(.greatestFiniteMagnitude, exactly: true).hasPrefix("17976931348623157081452742373170435679807056752584499659891747680315726078002853"))
        #expect(ReportRenderer.chartValueText(1e300) == "1e+300" && ReportRenderer.chartValueText(0.25) == "0.25")
        #expect(ReportCell.whole(1e20) == .measure(1e20, decimals: 0) && ReportCell.whole(-7.9) == .integer(-7))
    }

    // MARK: - Fixtures

    static let hash = String(repeating: "ab", count: 32)

    static let stamp = ReportStamp(firstSeq: 1, lastSeq: 12, headHash: hash, asOf: nil, eventsIncluded: 12)

    static let people = ReportTable(
        columns: [
            ReportColumn(id: "name", label: "Name"),
            ReportColumn(id: "district", label: "District"),
            ReportColumn(id: "score", label: "Score", isNumeric: true),
            ReportColumn(id: "attended", label: "Attended"),
        ],
        rows: [
            [.text("Әлия Ахметова"), .text("Медеу"), .integer(12), .flag(true, label: "Yes")],
            [.text("李娜"), .text("Alatau"), .number(3.14159, decimals: 2), .flag(false, label: "No")],
            [.text("Bob"), .empty, .integer(-4)],
        ])

    static let monthly = ReportChart(
        style: .line, unit: "people",
        points: [("2017-09", 40), ("2017-10", 0), ("2017-11", 150)],
        secondSeries: [("2017-09", 40), ("2017-10", 40), ("2017-11", 190)],
        seriesNames: ["New", "Cumulative"])

    static let sample = ReportDocument(
        kind: "attendees", title: "Attendees", subject: "Forum 2", stamp: stamp,
        sections: [
            ReportSection(id: "rows", title: "People", content: .table(people)),
            ReportSection(id: "totals", title: "Totals", content: .facts([
                ReportFact(id: "attended", label: "Attended", value: .integer(2), definition: "Checked in at the door"),
                ReportFact(id: "conversion", label: "Conversion", value: .number(0.6667, decimals: 2)),
            ])),
            ReportSection(id: "by_group", title: "By group", content: .chart(ReportChart(
                style: .bars, unit: "people", points: [("Government", 4), ("Civil society", 2)]))),
            ReportSection(id: "monthly", title: "Engaged by month", content: .chart(monthly)),
            ReportSection(id: "finding", title: "Finding", content: .note("The winner matches the jury.")),
        ])

    /// A document whose every piece of user text tries to attack the output.
    static let hostile = ReportDocument(
        kind: "proposals", title: "<script>alert(1)</script>", subject: "Esc\u{1B}[2J C1\u{9B}31m bidi\u{202E}gpj.exe",
        stamp: ReportStamp(firstSeq: 1, lastSeq: 3, headHash: hash, asOf: "2017-11-30T13:00+06:00\u{1B}]0;x\u{07}", eventsIncluded: 3),
        sections: [
            ReportSection(id: "rows\"x", title: "Rows\u{9B}", content: .table(ReportTable(
                columns: [ReportColumn(id: "title", label: "Title\u{202E}"), ReportColumn(id: "n", label: "N", isNumeric: true)],
                rows: [
                    [.text("\"quoted\" & 'single' <b>|pipe|</b>"), .integer(1)],
                    [.text("line\nbreak\u{1B}[31m red \u{2066}iso"), .integer(2)],
                ]))),
            ReportSection(id: "facts", title: "Facts", content: .facts([
                ReportFact(id: "f", label: "Label\u{1B}", value: .text("v\u{9B}"), definition: "Def <i>\u{202E}"),
            ])),
            ReportSection(id: "chart", title: "Chart", content: .chart(ReportChart(
                style: .bars, unit: "u\u{1B}", points: [("<img src=x onerror=alert(1)>\u{9B}", 3)]))),
            ReportSection(id: "note", title: "Note", content: .note("a\u{1B}[0m\nb\u{202E}")),
        ])

    static func render(_ document: ReportDocument, _ format: ReportFormat, labels: RendererLabels = .english) -> String {
        ReportRenderer.render(document, as: format, labels: labels)
    }

    // MARK: - Every format

    @Test(arguments: ReportFormat.allCases)
    func isDeterministicAndEndsWithALineBreak(format: ReportFormat) {
        let first = Self.render(Self.sample, format)
        #expect(first == Self.render(Self.sample, format))
        #expect(first.utf8.last == UInt8(ascii: "\n")) // CSV's CR LF too: hasSuffix compares whole characters
    }

    @Test(arguments: [ReportFormat.table, .json, .md, .html])
    func neverWritesTerminalControlsRaw(format: ReportFormat) {
        let output = Self.render(Self.hostile, format)
        let raw = output.unicodeScalars.filter { scalar in
            scalar == "\u{1B}" || scalar == "\u{07}" || (0x80...0x9F).contains(scalar.value)
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
        #expect(raw.isEmpty, "raw controls: \(raw.map { String($0.value, radix: 16) })")
    }

    // MARK: - JSON

    @Test func jsonHasTheDocumentedKeysInOrder() throws {
        let text = Self.render(Self.sample, .json)
        #expect(text.hasPrefix("""
            {
              "report": "attendees",
              "title": "Attendees",
              "subject": "Forum 2",
              "stamp": {"first_seq": 1, "last_seq": 12, "head_sha256": "\(Self.hash)", "head_recorded_at": null, "as_of": null, "events_included": 12},
              "sections": [
                {
                  "id": "rows",
                  "title": "People",
                  "type": "table",
                  "columns": [
                    {"id": "name", "label": "Name", "numeric": false},
            """))
        #expect(text.contains("""
                    {"name": "Әлия Ахметова", "district": "Медеу", "score": 12, "attended": true},
                    {"name": "李娜", "district": "Alatau", "score": 3.14, "attended": false},
                    {"name": "Bob", "district": null, "score": -4, "attended": null}
            """))
        #expect(text.contains("""
                  "facts": [
                    {"id": "attended", "label": "Attended", "value": 2, "definition": "Checked in at the door"},
                    {"id": "conversion", "label": "Conversion", "value": 0.67}
                  ]
            """))
    }

    @Test func jsonParsesWithTypedValues() throws {
        let data = Data(Self.render(Self.sample, .json).utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(root["report"] as? String == "attendees")
        let stamp = try #require(root["stamp"] as? [String: Any])
        #expect(stamp["first_seq"] as? Int == 1)
        #expect(stamp["last_seq"] as? Int == 12)
        #expect(stamp["head_sha256"] as? String == Self.hash)
        #expect(stamp["as_of"] is NSNull)
        #expect(stamp["events_included"] as? Int == 12)

        let sections = try #require(root["sections"] as? [[String: Any]])
        #expect(sections.map { $0["type"] as? String } == ["table", "facts", "chart", "chart", "note"])
        #expect(sections.map { $0["id"] as? String } == ["rows", "totals", "by_group", "monthly", "finding"])

        let rows = try #require(sections[0]["rows"] as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(rows[0]["name"] as? String == "Әлия Ахметова")
        #expect(rows[0]["score"] as? Int == 12)
        #expect(rows[1]["score"] as? Double == 3.14)
        #expect(rows[2]["district"] is NSNull)

        let facts = try #require(sections[1]["facts"] as? [[String: Any]])
        #expect(facts[0]["definition"] as? String == "Checked in at the door")
        #expect(facts[1]["definition"] == nil)

        #expect(sections[2]["style"] as? String == "bars")
        let line = sections[3]
        #expect(line["style"] as? String == "line")
        #expect(line["unit"] as? String == "people")
        let series = try #require(line["series"] as? [[String: Any]])
        #expect(series.map { $0["name"] as? String } == ["New", "Cumulative"])
        let cumulative = try #require(series[1]["points"] as? [[String: Any]])
        #expect(cumulative.map { $0["label"] as? String } == ["2017-09", "2017-10", "2017-11"])
        #expect(cumulative.map { $0["value"] as? Int } == [40, 40, 190])
        #expect(sections[4]["text"] as? String == "The winner matches the jury.")
    }

    @Test func jsonEscapesStringsAndReadsBackTheSameText() throws {
        let text = Self.render(Self.hostile, .json)
        #expect(text.contains(#""subject": "Esc\u001b[2J C1\u009b31m bidi\u202egpj.exe""#))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root["title"] as? String == "<script>alert(1)</script>")
        #expect(root["subject"] as? String == Self.hostile.subject)
        let sections = try #require(root["sections"] as? [[String: Any]])
        #expect(sections[0]["id"] as? String == "rows\"x")
        let rows = try #require(sections[0]["rows"] as? [[String: Any]])
        #expect(rows[1]["title"] as? String == "line\nbreak\u{1B}[31m red \u{2066}iso")
    }

    @Test func jsonWritesNonFiniteNumbersAsNull() {
        let document = ReportDocument(kind: "impact", title: "T", subject: "", stamp: Self.stamp, sections: [
            ReportSection(id: "f", title: "F", content: .facts([ReportFact(id: "cost", label: "Cost", value: .number(.infinity, decimals: 2))])),
        ])
        #expect(Self.render(document, .json).contains(#"{"id": "cost", "label": "Cost", "value": null}"#))
    }

    // MARK: - CSV

    @Test func csvQuotesFieldsAndNeutralisesFormulas() {
        let table = ReportTable(
            columns: [ReportColumn(id: "text", label: "Text, quoted"), ReportColumn(id: "n", label: "N", isNumeric: true)],
            rows: [
                [.text(#"=HYPERLINK("http://evil.example","click")"#), .integer(-5)],
                [.text("+1"), .number(-2.5, decimals: 1)],
                [.text("-2"), .integer(0)],
                [.text("@x"), .empty],
                [.text("\tx"), .integer(1)],
                [.text("\rx"), .integer(2)],
                [.text("a \"b\"\nc"), .integer(3)],
                [.text("Әлия, Алматы"), .integer(4)],
                [.flag(true, label: "Yes")],
                [.text("a\u{1B}[31mred\u{202E}b"), .integer(5)],
            ])
        let document = ReportDocument(kind: "attendees", title: "T", subject: "S", stamp: Self.stamp, sections: [
            ReportSection(id: "note", title: "N", content: .note("first")),
            ReportSection(id: "rows", title: "R", content: .table(table)),
            ReportSection(id: "other", title: "O", content: .table(Self.people)),
        ])
        let expected = [
            #""Text, quoted",N"#,
            #""'=HYPERLINK(""http://evil.example"",""click"")",-5"#,
            "'+1,-2.5",
            "'-2,0",
            "'@x,",
            "'\tx,1",
            "\"'\rx\",2",
            "\"a \"\"b\"\"\nc\",3",
            "\"Әлия, Алматы\",4",
            "Yes,",
            "a\\u{1B}[31mred\\u{202E}b,5",
        ].map { $0 + "\r\n" }.joined()
        #expect(Self.render(document, .csv) == expected)
    }

    @Test func csvOfADocumentWithoutATableIsEmpty() {
        let document = ReportDocument(kind: "impact", title: "T", subject: "", stamp: Self.stamp, sections: [
            ReportSection(id: "note", title: "N", content: .note("nothing")),
        ])
        #expect(Self.render(document, .csv) == "")
    }

    // MARK: - Terminal table

    @Test func terminalTableAlignsCyrillicAndWideText() {
        let lines = Self.render(Self.sample, .table).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(Array(lines.prefix(9)) == [
            "Attendees",
            "Forum 2",
            "Computed from: seq 1-12 · events: 12 · head SHA-256: \(Self.hash)",
            "",
            "People",
            "──────",
            "Name           District  Score  Attended",
            "─────────────  ────────  ─────  ────────",
            "Әлия Ахметова  Медеу        12  Yes",
        ])
        #expect(lines[9] == "李娜           Alatau     3.14  No")
        #expect(lines[10] == "Bob                         -4")
        #expect(lines.dropLast().allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test func terminalShowsFactsAndBars() {
        let text = Self.render(Self.sample, .table)
        #expect(text.contains("""
            Totals
            ──────
            Attended       2
            Conversion  0.67
            """))
        #expect(text.contains("""
            By group
            ────────
                                                                     people
            Government     ████████████████████████████████████████       4
            Civil society  ████████████████████                           2
            """))
        #expect(text.contains("""
            Engaged by month
            ────────────────
                                                               New  Cumulative
            2017-09  ███████████                                40          40
            2017-10                                              0          40
            2017-11  ████████████████████████████████████████  150         190
            """))
    }

    @Test func terminalEscapesControlsVisibly() {
        let text = Self.render(Self.hostile, .table)
        #expect(text.contains("Esc\\u{1B}[2J C1\\u{9B}31m bidi\\u{202E}gpj.exe"))
        #expect(text.contains("line\\u{A}break\\u{1B}[31m red \\u{2066}iso"))
        #expect(text.contains("as of: 2017-11-30T13:00+06:00\\u{1B}]0;x\\u{7}"))
    }

    @Test func terminalCutsAVeryLongCell() {
        let long = String(repeating: "ә", count: 60)
        let document = ReportDocument(kind: "proposals", title: "T", subject: "", stamp: Self.stamp, sections: [
            ReportSection(id: "rows", title: "R", content: .table(ReportTable(
                columns: [ReportColumn(id: "t", label: "Title"), ReportColumn(id: "n", label: "N", isNumeric: true)],
                rows: [[.text(long), .integer(1)]]))),
        ])
        let text = Self.render(document, .table)
        #expect(text.contains(String(repeating: "ә", count: 39) + "…  1\n"))
    }

    // MARK: - Markdown

    @Test func markdownEscapesPipesAndMarkup() {
        let text = Self.render(Self.hostile, .md)
        #expect(text.hasPrefix("# &lt;script&gt;alert(1)&lt;/script&gt;\n\n"))
        #expect(text.contains(#"""
            | Title\\u{202E} | N |
            | --- | ---: |
            | "quoted" &amp; 'single' &lt;b&gt;\|pipe\|&lt;/b&gt; | 1 |
            | line break\\u{1B}\[31m red \\u{2066}iso | 2 |
            """#))
    }

    @Test func markdownRendersFactsChartsAndStamp() {
        let text = Self.render(Self.sample, .md)
        #expect(text.contains("Computed from: seq 1-12 · events: 12 · head SHA-256: `\(Self.hash)`\n"))
        #expect(text.contains("""
            ## Totals

            | Item | Value | Definition |
            | --- | ---: | --- |
            | Attended | 2 | Checked in at the door |
            | Conversion | 0.67 |  |
            """))
        #expect(text.contains("""
            | Item | New | Cumulative |
            | --- | ---: | ---: |
            | 2017\\-09 | 40 | 40 |
            """) == false) // hyphens inside a cell are not escaped
        #expect(text.contains("| 2017-09 | 40 | 40 |"))
    }

    @Test(arguments: [
        ("- item", "\\- item"),
        ("1. first", "1\\. first"),
        ("12) twelve", "12\\) twelve"),
        ("    code", "code"),
        ("# heading", "\\# heading"),
        ("> quote", "&gt; quote"),
        ("a *b* _c_ [d](e) `f` ~g~", "a \\*b\\* \\_c\\_ \\[d\\](e) \\`f\\` \\~g\\~"),
    ])
    func markdownParagraphsCannotOpenOtherBlocks(input: String, expected: String) {
        #expect(MarkdownRenderer.paragraph(input) == expected)
    }

    // MARK: - HTML

    @Test func htmlEscapesUserTextInContentAndAttributes() {
        let text = Self.render(Self.hostile, .html)
        #expect(!text.contains("<script"))
        #expect(!text.contains("<img"))
        #expect(!text.contains("<b>"))
        #expect(text.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"))
        #expect(text.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; — Esc\\u{1B}[2J C1\\u{9B}31m bidi\\u{202E}gpj.exe</title>"))
        #expect(text.contains("&quot;quoted&quot; &amp; &#39;single&#39; &lt;b&gt;|pipe|&lt;/b&gt;</td>"))
        #expect(!text.contains("<b>|pipe|"))
        #expect(text.contains("<section id=\"rows&quot;x\">"))
        #expect(text.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(text.contains("<p class=\"note\">a\\u{1B}[0m<br>b\\u{202E}</p>"))
    }

    @Test func htmlLinksOnlyHTTPAddressesAndEscapesThem() {
        let table = ReportTable(columns: [ReportColumn(id: "url", label: "Link")], rows: [
            [.link("javascript:alert(1)")], [.link("data:text/html,<b>x</b>")], [.link("https:/no-host")],
            [.link("HTTPS://example.org/a?b=1&c=\"d\"")], [.link("http://example.org/<x>")],
        ])
        let document = ReportDocument(kind: "standings", title: "T", subject: "", stamp: Self.stamp,
                                      sections: [ReportSection(id: "rows", title: "Rows", content: .table(table))])
        let text = Self.render(document, .html)
        #expect(text.components(separatedBy: "<a href=").count - 1 == 2)
        #expect(text.contains(">javascript:alert(1)</td>") && text.contains(">data:text/html,&lt;b&gt;x&lt;/b&gt;</td>") && text.contains(">https:/no-host</td>"))
        #expect(text.contains("<a href=\"HTTPS://example.org/a?b=1&amp;c=&quot;d&quot;\" rel=\"noopener noreferrer nofollow\">"))
        #expect(text.contains("<a href=\"http://example.org/&lt;x&gt;\" rel=\"noopener noreferrer nofollow\">"))
        // Every other format shows the address as text; JSON as a string.
        #expect(Self.render(document, .csv) == "Link\r\njavascript:alert(1)\r\n\"data:text/html,<b>x</b>\"\r\nhttps:/no-host\r\n\"HTTPS://example.org/a?b=1&c=\"\"d\"\"\"\r\nhttp://example.org/<x>\r\n")
        #expect(Self.render(document, .json).contains("{\"url\": \"javascript:alert(1)\"}"))
    }

    @Test func htmlDrawsFiguresAgainstTargetsWithTheirNumbers() {
        let table = ReportTable(columns: [
            ReportColumn(id: "indicator", label: "Indicator"), ReportColumn(id: "label", label: "Title"), ReportColumn(id: "period", label: "Period"),
            ReportColumn(id: "target", label: "Target", isNumeric: true), ReportColumn(id: "actual", label: "Actual", isNumeric: true),
            ReportColumn(id: "share", label: "%", isNumeric: true),
        ], rows: [
            [.text("a"), .text("Half way"), .text("2017"), .integer(300), .integer(150), .number(50, decimals: 0)],
            [.text("b"), .text("Past it"), .text("2017"), .integer(40), .integer(50), .number(125, decimals: 0)],
            [.text("c"), .text("Nothing yet"), .text("2017"), .integer(10), .empty, .empty],
        ])
        let document = ReportDocument(kind: "impact", title: "T", subject: "", stamp: Self.stamp,
                                      sections: [ReportSection(id: "key_figures", title: "Key", content: .progress(table))])
        let text = Self.render(document, .html)
        #expect(text.contains("<span class=\"label\">Half way</span> <span class=\"value\">150 / 300 (50 %)</span>"))
        #expect(text.contains("<rect class=\"c1\" x=\"0\" y=\"0\" width=\"50\" height=\"8\"/><line class=\"mark\" x1=\"100\""))
        // Past the target: the bar is the actual, the mark at the target's place on it, another colour.
        #expect(text.contains("<rect class=\"c3\" x=\"0\" y=\"0\" width=\"100\" height=\"8\"/><line class=\"mark\" x1=\"80\""))
        #expect(text.contains("<span class=\"value\">– / 10</span>"))
        // Elsewhere, the same rows as a table.
        #expect(Self.render(document, .md).contains("| Indicator | Title | Period | Target | Actual | % |\n| --- | --- | --- | ---: | ---: | ---: |\n| a | Half way | 2017 | 300 | 150 | 50 |"))
        #expect(Self.render(document, .json).contains("\"type\": \"progress\""))
    }

    @Test func htmlIsOneSelfContainedFile() {
        let text = Self.render(Self.sample, .html, labels: RendererLabels(
            language: "kk", computedFrom: "Есептелді", sequence: "seq", events: "оқиға", headHash: "SHA-256", recordedAt: "жазылды",
            asOf: "күйі", item: "Атауы", value: "Мәні", definition: "Анықтама", data: "Деректер", noRows: "Жоқ."))
        #expect(text.hasPrefix("<!DOCTYPE html>\n<html lang=\"kk\">\n<head>\n<meta charset=\"utf-8\">\n"))
        #expect(text.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(text.hasSuffix("</html>\n"))
        for reference in ["http://", "https://", "src=", "href=", "url(", "@import", "<script", "<link", "xmlns"] {
            #expect(!text.contains(reference), "found \(reference)")
        }
        #expect(text.contains("<span>Есептелді: seq 1-12</span>"))
        #expect(text.contains("<th scope=\"col\" class=\"num\">Score</th>"))
        // Each cell carries its column's label, for the card a row becomes on a narrow screen.
        #expect(text.contains("<td data-label=\"Name\">Әлия Ахметова</td><td data-label=\"District\">Медеу</td><td class=\"num\" data-label=\"Score\">12</td>"))
        #expect(text.contains("<dt>Attended</dt><dd class=\"value\">2</dd><dd class=\"definition\">Checked in at the door</dd>"))
        #expect(text.contains("<summary>Деректер</summary>"))
    }

    @Test func htmlHidesNoColumnAndPrintsOnA4() {
        let text = Self.render(Self.sample, .html)
        // No scroll box: cells wrap, and a narrow screen gets one card per row, labelled.
        #expect(!text.contains("overflow-x: auto") && !text.contains("white-space: nowrap; }\n    td.long"))
        let cells = text.components(separatedBy: "<td").count - 1
        let labelled = text.components(separatedBy: " data-label=\"").count - 1
        #expect(cells > 0 && labelled == cells, "\(labelled) of \(cells) cells carry their column's label")
        #expect(text.contains("@media (max-width: 44rem)") && text.contains("content: attr(data-label)"))
        // Paper: A4, headers repeated on every page, no heading left at the foot of a page.
        #expect(text.contains("@page { size: A4;") && text.contains("thead { display: table-header-group; }") && text.contains("break-after: avoid"))
    }

    @Test func htmlDrawsBarAndLineChartsAsInlineSVG() {
        let text = Self.render(Self.sample, .html)
        #expect(text.components(separatedBy: "<svg ").count == 3)
        #expect(text.contains("<svg class=\"chart bars\" viewBox=\"0 0 360 "))
        #expect(text.contains("<svg class=\"chart line\" viewBox=\"0 0 480 280\" role=\"img\" aria-label=\"Engaged by month\""))
        #expect(text.contains(">Government</text>"))
        #expect(text.contains("<polyline class=\"line1\""))
        #expect(text.contains("<polyline class=\"line2\""))
        #expect(text.contains(">Cumulative</text>")) // the legend
        #expect(text.contains("<title>2017-11: 190</title>"))
        #expect(text.contains(">2017-10</text>"))
        #expect(Self.unquotedAttributes(in: text).isEmpty)
        #expect(Self.unquotedAttributes(in: Self.render(Self.hostile, .html)).isEmpty)
        #expect(Self.unquotedAttributes(in: "<a href=x>") == ["<a href=x>"])
    }

    /// The tags of `html` that hold an attribute whose value is not in double quotes.
    static func unquotedAttributes(in html: String) -> [String] {
        var found: [String] = []
        for piece in html.split(separator: "<", omittingEmptySubsequences: false).dropFirst() where !piece.hasPrefix("/") && !piece.hasPrefix("!") {
            var rest = piece.prefix { $0 != ">" }.drop { $0 != " " } // the attributes, after the tag name
            while let equals = rest.firstIndex(of: "=") {
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else {
                    found.append("<" + piece.prefix { $0 != ">" } + ">")
                    break
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        return found
    }

    @Test func lineChartAxisHasRoundTicks() {
        #expect(SVGChart.Scale(from: 0, to: 190, wholeSteps: true).ticks == [0, 50, 100, 150, 200])
        #expect(SVGChart.Scale(from: 0, to: 3, wholeSteps: true).ticks == [0, 1, 2, 3])
        #expect(SVGChart.Scale(from: 0, to: 0, wholeSteps: true).ticks == [0, 1])
        #expect(SVGChart.Scale(from: 0, to: 0.8, wholeSteps: false).ticks == [0, 0.2, 0.4, 0.6, 0.8])
    }
}
