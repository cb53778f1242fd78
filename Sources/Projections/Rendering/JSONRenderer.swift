import Ledger

/// Writes a report as one JSON object whose keys are stable across languages and versions.
///
/// ```
/// {
///   "report": "attendees",              // ReportDocument.kind
///   "title": "...", "subject": "...",   // translated heading; what the report is about
///   "stamp": {"first_seq": 1, "last_seq": 250, "head_sha256": "…", "head_recorded_at": "…", "as_of": null,
///             "events_included": 250},
///   "sections": [
///     {"id": "rows", "title": "…", "type": "table",
///      "columns": [{"id": "name", "label": "Name", "numeric": false}, …],
///      "rows": [{"name": "Әлия", "score": 12, "eligible": true, "note": null}, …]},
///     {"id": "totals", "title": "…", "type": "facts",
///      "facts": [{"id": "attended", "label": "Attended", "value": 120, "definition": "…"}, …]},
///     {"id": "by_group", "title": "…", "type": "chart", "style": "bars" | "line" | "columns", "unit": "…",
///      "series": [{"name": "…", "points": [{"label": "…", "value": 12}, …]}, …]},
///     {"id": "finding", "title": "…", "type": "note", "text": "…"},
///     {"id": "key_figures", "title": "…", "type": "progress", "columns": […], "rows": […]}
///   ]
/// }
/// ```
/// Keys come in the order shown. A row is an object keyed by column id, in column order (a row
/// shorter than the columns gets `null`s). Cells are typed: integers and numbers are JSON numbers
/// (a number rounded to its decimals), flags booleans, text strings, empty cells `null`. A fact's
/// `definition` is left out when it has none. A chart's second series (a line's cumulative total,
/// say) is the second element of `series`; a series' name defaults to the unit. A `progress`
/// section (figures against targets) is written as a table is. `head_recorded_at` is the head
/// line's `recorded_at` (null for an empty ledger).
///
/// The output is indented two spaces, with every object or array that holds no other on one line
/// (one row a line), and ends with a line break. Besides JSON's own escapes, DEL, the C1 controls,
/// U+2028/U+2029 and the bidirectional overrides are written as `\uXXXX`, so that printing the file
/// on a terminal is safe; parsers read the same text.
enum JSONRenderer {
    /// The document as JSON text, ending with a line break.
    static func render(_ document: ReportDocument) -> String {
        var out = ""
        write(value(of: document), indent: 0, to: &out)
        return out + "\n"
    }

    // MARK: - The tree

    static func value(of document: ReportDocument) -> JSON {
        let stamp = document.stamp
        return .object([
            (key: "report", value: .string(document.kind)),
            (key: "title", value: .string(document.title)),
            (key: "subject", value: .string(document.subject)),
            (key: "stamp", value: .object([
                (key: "first_seq", value: .integer(stamp.firstSeq)),
                (key: "last_seq", value: .integer(stamp.lastSeq)),
                (key: "head_sha256", value: .string(stamp.headHash)),
                (key: "head_recorded_at", value: stamp.headRecordedAt.map(JSON.string) ?? .null),
                (key: "as_of", value: stamp.asOf.map(JSON.string) ?? .null),
                (key: "events_included", value: .integer(stamp.eventsIncluded)),
            ])),
            (key: "sections", value: .array(document.sections.map(value(of:)))),
        ])
    }

    static func value(of section: ReportSection) -> JSON {
        var members: [(key: String, value: JSON)] = [
            (key: "id", value: .string(section.id)),
            (key: "title", value: .string(section.title)),
        ]
        switch section.content {
        case .table(let table), .progress(let table):
            if case .progress = section.content {
                members.append((key: "type", value: .string("progress")))
            } else {
                members.append((key: "type", value: .string("table")))
            }
            members.append((key: "columns", value: .array(table.columns.map { column in
                .object([
                    (key: "id", value: .string(column.id)),
                    (key: "label", value: .string(column.label)),
                    (key: "numeric", value: .bool(column.isNumeric)),
                ])
            })))
            members.append((key: "rows", value: .array(table.rows.map { row in
                .object(zip(table.columns, ReportRenderer.cells(row, count: table.columns.count)).map { column, cell in
                    (key: column.id, value: value(of: cell))
                })
            })))
        case .facts(let facts):
            members.append((key: "type", value: .string("facts")))
            members.append((key: "facts", value: .array(facts.map { fact in
                var fields: [(key: String, value: JSON)] = [
                    (key: "id", value: .string(fact.id)),
                    (key: "label", value: .string(fact.label)),
                    (key: "value", value: value(of: fact.value)),
                ]
                if let definition = fact.definition { fields.append((key: "definition", value: .string(definition))) }
                return .object(fields)
            })))
        case .chart(let chart):
            let names = ReportRenderer.seriesNames(of: chart)
            var series = [self.series(names.first, chart.points)]
            if let second = names.second { series.append(self.series(second, chart.secondSeries)) }
            members.append((key: "type", value: .string("chart")))
            members.append((key: "style", value: .string(chart.style.rawValue)))
            members.append((key: "unit", value: .string(chart.unit)))
            members.append((key: "series", value: .array(series)))
        case .note(let text):
            members.append((key: "type", value: .string("note")))
            members.append((key: "text", value: .string(text)))
        }
        return .object(members)
    }

    static func series(_ name: String, _ points: [(label: String, value: Double)]) -> JSON {
        .object([
            (key: "name", value: .string(name)),
            (key: "points", value: .array(points.map { point in
                .object([(key: "label", value: .string(point.label)), (key: "value", value: number(point.value))])
            })),
        ])
    }

    /// A cell as a typed JSON value.
    static func value(of cell: ReportCell) -> JSON {
        switch cell {
        case .text(let text): .string(text)
        case .integer(let value): .integer(Int64(value))
        case let .number(value, decimals): number(Double(ReportCell.format(value, decimals: decimals)) ?? .nan)
        case .measure(let value, _): number(value)
        case .flag(let value, _): .bool(value)
        case .term(let code, _): .string(code)
        case .link(let address): .string(address)
        case .empty: .null
        }
    }

    /// A number, or null when it is not finite (JSON has no NaN or infinity).
    static func number(_ value: Double) -> JSON {
        value.isFinite ? .double(value) : .null
    }

    // MARK: - Writing

    /// Writes `value` indented by `indent` levels; containers that hold no container stay on one line.
    static func write(_ value: JSON, indent: Int, to out: inout String) {
        let inner = String(repeating: "  ", count: indent + 1)
        switch value {
        case .array(let elements):
            if elements.allSatisfy(isScalar) {
                out += "["
                for (i, element) in elements.enumerated() {
                    if i > 0 { out += ", " }
                    write(element, indent: indent, to: &out)
                }
                out += "]"
            } else {
                out += "[\n"
                for (i, element) in elements.enumerated() {
                    out += inner
                    write(element, indent: indent + 1, to: &out)
                    out += i < elements.count - 1 ? ",\n" : "\n"
                }
                out += String(repeating: "  ", count: indent) + "]"
            }
        case .object(let members):
            if members.allSatisfy({ isScalar($0.value) }) {
                out += "{"
                for (i, member) in members.enumerated() {
                    if i > 0 { out += ", " }
                    out += quoted(member.key) + ": "
                    write(member.value, indent: indent, to: &out)
                }
                out += "}"
            } else {
                out += "{\n"
                for (i, member) in members.enumerated() {
                    out += inner + quoted(member.key) + ": "
                    write(member.value, indent: indent + 1, to: &out)
                    out += i < members.count - 1 ? ",\n" : "\n"
                }
                out += String(repeating: "  ", count: indent) + "}"
            }
        case .string(let text):
            out += quoted(text)
        default:
            out += value.serialized
        }
    }

    static func isScalar(_ value: JSON) -> Bool {
        switch value {
        case .array, .object: false
        default: true
        }
    }

    /// `text` as a JSON string literal; controls, DEL, C1, line separators and bidi overrides as `\uXXXX`.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if TerminalText.isUnsafe(scalar) || v == 0x2028 || v == 0x2029 {
                    let hex = String(v, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
